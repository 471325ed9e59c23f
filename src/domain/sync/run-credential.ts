import { DomainError } from "../errors.js";
import { refusedError } from "../integration/credential-refusal.js";
import type { BobCredential } from "../ports/bob-api.js";
import type { ConnectionStore } from "../ports/connection-store.js";

/** The stored Bob credential a run may send, or the error that ends the run. */
export async function runCredential(connections: ConnectionStore, companyId: string): Promise<BobCredential> {
  const state = await connections.loadCredentialState(companyId);
  if (!state)
    throw new DomainError("NOT_CONNECTED", "Bob is not connected for this company; connect it and synchronize again.");
  // Bob's firewall blocks a credential that keeps failing: a refused one is not sent again.
  if (state.refused !== null) throw refusedError(state.refused);
  return state.credential;
}

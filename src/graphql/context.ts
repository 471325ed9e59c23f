import type { Caller } from "../domain/caller.js";
import type { Services } from "../services.js";

/** What every resolver receives: the authenticated caller and the domain services. */
export interface GraphQLContext {
  readonly caller: Caller;
  readonly requestId: string;
  readonly services: Services;
}

import { bobSignature } from "../../simulator/index.js";
import { within } from "./deferred.js";
import type { SyncHarness } from "./sync-harness.js";

export interface Delivery {
  id: string;
  eventType: string;
  bobEmployeeId: string | null;
  status: string;
  error: string | null;
  issues: { bobEmployeeId: string | null; code: string; message: string }[];
}

export const HOOK_SECRET = "bob-hook-secret-for-tests-0123456789";

/** Stores the hook secret and subscribes the simulator's emitter to the gateway's webhook URL. */
export async function enableRealTime(h: SyncHarness, secret = HOOK_SECRET): Promise<{ url: string; key: string }> {
  const res = await h.gql<{ setHookSecret: { webhookUrl: string; realTimeUpdates: boolean } }>(
    "mutation($s: String!) { setHookSecret(input: { secret: $s }) { webhookUrl realTimeUpdates } }",
    { s: secret },
  );
  if (!res.setHookSecret.realTimeUpdates) throw new Error("real-time updates not on");
  const key = res.setHookSecret.webhookUrl.split("/").at(-1) as string;
  const url = `${h.gw.url}/webhooks/bob/${key}`;
  h.sim.webhooks.configure({ retryBaseMs: 20, maxAttempts: 8 });
  h.sim.webhooks.subscribe({ url, secret });
  return { url, key };
}

export function post(url: string, body: string | Buffer, headers: Record<string, string> = {}): Promise<Response> {
  return fetch(url, { method: "POST", headers: { "content-type": "application/json", ...headers }, body });
}

export function signedPost(url: string, body: string, secret = HOOK_SECRET): Promise<Response> {
  return post(url, body, { "bob-signature": bobSignature(secret, body) });
}

export async function deliveries(h: SyncHarness, first = 500): Promise<Delivery[]> {
  const res = await h.gql<{ webhookDeliveries: { edges: { node: Delivery }[] } }>(
    "query($f: Int) { webhookDeliveries(first: $f) { edges { node { id eventType bobEmployeeId status error issues { bobEmployeeId code message } } } } }",
    { f: first },
  );
  return res.webhookDeliveries.edges.map((e) => e.node);
}

/** Waits (bounded) until no delivery is ACCEPTED any more, i.e. everything received was applied or settled. */
export async function settled(h: SyncHarness, timeoutMs = 60_000): Promise<Delivery[]> {
  const poll = async (): Promise<Delivery[]> => {
    for (;;) {
      const all = await deliveries(h);
      if (all.every((d) => d.status !== "ACCEPTED")) return all;
      await new Promise((r) => setTimeout(r, 100));
    }
  };
  return within(poll(), timeoutMs, "deliveries to settle");
}

export function v2Event(type: string, employeeId: string, extra: Record<string, unknown> = {}): string {
  return JSON.stringify({
    companyId: 636192,
    type,
    triggeredBy: "3332883804594373380",
    triggeredAt: "2026-06-15T09:00:00.000001",
    version: "v2",
    data: { employeeId, ...extra },
  });
}

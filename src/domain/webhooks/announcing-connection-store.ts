import type { ConnectionStore } from "../ports/connection-store.js";
import type { WebhookOwnerChanges } from "../ports/webhook-owner-changes.js";

/** The writes that change who a webhook URL belongs to or what its deliveries must be signed with. */
const OWNER_WRITES: ReadonlySet<PropertyKey> = new Set<keyof ConnectionStore>([
  "forget",
  "saveHookSecret",
  "replaceWebhookKey",
]);

/**
 * The connection store, announcing each of those writes to `changes` once it has returned (or
 * failed: then whether it landed is unknown, and forgetting a cached copy is always safe). The
 * services that write stay unaware of any cache; every other method passes through untouched.
 */
export function announcingOwnerChanges(store: ConnectionStore, changes: WebhookOwnerChanges): ConnectionStore {
  return new Proxy(store, {
    get(target, name) {
      const value: unknown = Reflect.get(target, name, target);
      if (typeof value !== "function") return value;
      const method = (value as (...args: unknown[]) => unknown).bind(target);
      if (!OWNER_WRITES.has(name)) return method;
      return async (companyId: string, ...rest: unknown[]) => {
        try {
          return await method(companyId, ...rest);
        } finally {
          // Awaited: once the admin's mutation returns, every replica has been told.
          await changes.changed(companyId);
        }
      };
    },
  });
}

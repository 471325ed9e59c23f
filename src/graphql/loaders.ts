import DataLoader from "dataloader";
import type { Attribute } from "../domain/attributes/attribute.js";
import type { Caller } from "../domain/caller.js";
import type { DirectoryEmployee } from "../domain/ports/directory-store.js";
import type { Services } from "../services.js";

/**
 * Per-request batching for every relation a list resolves: a page of 100 employees with their
 * managers and attributes costs the same few queries as a page of 5.
 */
export interface Loaders {
  readonly employeeByBobId: DataLoader<string, DirectoryEmployee | null>;
  readonly attributes: () => Promise<Map<string, Attribute>>;
  readonly today: () => Promise<string>;
}

export function createLoaders(services: Services, caller: Caller): Loaders {
  let attributes: Promise<Map<string, Attribute>> | null = null;
  let today: Promise<string> | null = null;
  return {
    employeeByBobId: new DataLoader(async (bobIds) => {
      const found = await services.sync.employeesByBobIds(caller, bobIds);
      const byId = new Map(found.map((e) => [e.bobId, e]));
      return bobIds.map((id) => byId.get(id) ?? null);
    }),
    attributes: () => (attributes ??= services.attributes.list(caller).then((list) => new Map(list.map((a) => [a.id, a])))),
    today: () => (today ??= services.sync.today(caller.companyId)),
  };
}

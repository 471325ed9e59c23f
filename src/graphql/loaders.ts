import DataLoader from "dataloader";
import type { Attribute } from "../domain/attributes/attribute.js";
import type { Caller } from "../domain/caller.js";
import type { HistoryEntry } from "../domain/history/history-service.js";
import type { GraphQLResolveInfo } from "graphql";
import type { DirectoryEmployee, DirectoryPerson } from "../domain/ports/directory-store.js";
import type { Services } from "../services.js";
import { readsAttributesOfReferences } from "./selection.js";
import { RequestSlicing } from "./time-slicing.js";

/** An employee some other one references: whole, or without its attribute values. */
export type ReferencedEmployee = DirectoryEmployee | DirectoryPerson;

/** Attribute names are listed in the default locale's collation order (what localeCompare did). */
const attributeNameOrder = new Intl.Collator();

/**
 * The company's attributes as one request needs them: in name order, so an employee's values are
 * listed by walking the attributes once instead of collating names again for every employee.
 */
export interface AttributeIndex {
  readonly ordered: readonly Attribute[];
  /** The EMPLOYEE attributes' ids: their values reference employees. */
  readonly employeeReferences: readonly string[];
}

export function indexAttributes(list: readonly Attribute[]): AttributeIndex {
  return {
    ordered: [...list].sort((a, b) => attributeNameOrder.compare(a.name, b.name)),
    employeeReferences: list.filter((a) => a.type === "EMPLOYEE").map((a) => a.id),
  };
}

/**
 * A value of one request that is loaded once: `get()` starts (or joins) the load; `now()` is the
 * value once it has arrived, so the many fields of a page that need it resolve synchronously.
 */
export interface Once<T> {
  get(): Promise<T>;
  now(): T | undefined;
}

function once<T>(load: () => Promise<T>): Once<T> {
  let promise: Promise<T> | null = null;
  let value: { readonly v: T } | undefined;
  return {
    get: () =>
      (promise ??= load().then((v) => {
        value = { v };
        return v;
      })),
    now: () => value?.v,
  };
}

/**
 * Per-request batching for every relation a list resolves: a page of 100 employees with their
 * managers and attributes costs the same few queries as a page of 5.
 */
export interface Loaders {
  /** An employee of the caller's company by Bob id, whole: at once if this request has loaded it already, else batched. */
  employee(bobId: string): DirectoryEmployee | null | Promise<DirectoryEmployee | null>;
  /**
   * A referenced employee (a manager, an EMPLOYEE attribute's value): whole when the operation
   * reads attribute values below a reference, else without them (half the rows a page reads).
   */
  reference(bobId: string, info: GraphQLResolveInfo): ReferencedEmployee | null | Promise<ReferencedEmployee | null>;
  /** Loads the references of a page at once, in the batch the page's rows would make. */
  preloadReferences(bobIds: readonly string[], info: GraphQLResolveInfo): Promise<unknown>;
  readonly attributes: Once<AttributeIndex>;
  readonly today: Once<string>;
  /** Each employee's whole history, newest first (Employee.history). */
  readonly history: DataLoader<string, HistoryEntry[]>;
  /** Large lists completed in slices; the loaders' batches stay open across the slices. */
  readonly slicing: RequestSlicing;
}

export function createLoaders(services: Services, caller: Caller): Loaders {
  const slicing = new RequestSlicing();
  const { loader: employeeByBobId, loaded } = byBobId(slicing, (bobIds) =>
    services.directory.employeesByBobIds(caller, bobIds),
  );
  const employee = (bobId: string): DirectoryEmployee | null | Promise<DirectoryEmployee | null> => {
    const known = loaded.get(bobId);
    return known !== undefined ? known : employeeByBobId.load(bobId);
  };
  const { loader: personByBobId, loaded: loadedPeople } = byBobId(slicing, (bobIds) =>
    services.directory.peopleByBobIds(caller, bobIds),
  );
  const person = (bobId: string): ReferencedEmployee | null | Promise<ReferencedEmployee | null> => {
    const whole = loaded.get(bobId);
    if (whole !== undefined) return whole;
    const known = loadedPeople.get(bobId);
    return known !== undefined ? known : personByBobId.load(bobId);
  };
  // One operation per request: decided on the first reference.
  let wholeReferences: boolean | undefined;
  const whole = (info: GraphQLResolveInfo): boolean => (wholeReferences ??= readsAttributesOfReferences(info));
  return {
    employee,
    reference: (bobId, info) => (whole(info) ? employee(bobId) : person(bobId)),
    preloadReferences: (bobIds, info) =>
      whole(info) ? employeeByBobId.loadMany([...bobIds]) : personByBobId.loadMany([...bobIds]),
    attributes: once(() => services.attributes.list(caller).then(indexAttributes)),
    today: once(() => services.directory.today(caller.companyId)),
    history: new DataLoader(
      async (bobIds) => {
        const histories = await services.history.historiesOf(caller, bobIds);
        return bobIds.map((id) => histories.get(id) ?? []);
      },
      { batchScheduleFn: slicing.schedule },
    ),
    slicing,
  };
}

/**
 * A DataLoader of the company's people by Bob id, and what it has loaded: its cache answers only
 * once a batch is dispatched, and a sliced page holds its batch open (time-slicing.ts) while its
 * rows need these at once.
 */
function byBobId<T extends { readonly bobId: string }>(
  slicing: RequestSlicing,
  load: (bobIds: readonly string[]) => Promise<T[]>,
): { loader: DataLoader<string, T | null>; loaded: Map<string, T | null> } {
  const loaded = new Map<string, T | null>();
  const loader = new DataLoader<string, T | null>(
    async (bobIds) => {
      const byId = new Map((await load(bobIds)).map((e) => [e.bobId, e]));
      return bobIds.map((id) => {
        const found = byId.get(id) ?? null;
        loaded.set(id, found);
        return found;
      });
    },
    { batchScheduleFn: slicing.schedule },
  );
  return { loader, loaded };
}

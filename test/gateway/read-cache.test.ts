import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { GraphQLReadCache, ReadCacheStats } from "../../src/graphql/read-cache.js";
import { startSyncHarness, type SyncHarness } from "../support/sync-harness.js";
import { enableRealTime, settled } from "../support/webhook-harness.js";

type Page = {
  employees: {
    totalCount: number;
    edges: {
      node: {
        bobId: string;
        firstName: string;
        lastName: string;
        tenureMonths: number | null;
        lifecycle: string;
        manager: { bobId: string } | null;
        attributes: { attribute: { name: string }; value: string | null }[];
      };
    }[];
  };
};
const PAGE =
  "query($f: Int) { employees(first: $f) { totalCount edges { node { bobId firstName lastName tenureMonths lifecycle manager { bobId } attributes { attribute { name } value } } } } }";
const ONE = "query($b: String!) { employee(bobId: $b) { bobId firstName lastName } }";

/**
 * The GraphQL read cache (src/graphql/read-cache.ts): repeated directory reads are answered from
 * memory while the company's directory version is unchanged, and every committed write, whoever
 * makes it, is visible to the next read.
 */
describe("GraphQL read cache", () => {
  let h: SyncHarness;
  let cache: GraphQLReadCache;
  const stats = (): ReadCacheStats => ({ ...cache.stats });
  const delta = (before: ReadCacheStats) => {
    const now = cache.stats;
    return {
      hits: now.hits - before.hits,
      misses: now.misses - before.misses,
      joined: now.joined - before.joined,
      stored: now.stored - before.stored,
    };
  };
  const page = (first = 25) => h.gql<Page>(PAGE, { f: first });
  const sql = (text: string, params: unknown[] = []) => h.gw.gateway.db.em().execute(text, params);

  beforeAll(async () => {
    h = await startSyncHarness({ employees: 40, seed: 7, companyId: "cache-co" });
    await h.syncAndWait();
    cache = h.gw.gateway.readCache as GraphQLReadCache;
    expect(cache).not.toBeNull();
  });
  afterAll(async () => h?.close());

  it("answers a repeated read from memory, with the same body", async () => {
    const first = await page();
    const before = stats();
    const again = await page();
    expect(again).toEqual(first);
    expect(delta(before)).toMatchObject({ hits: 1, misses: 0 });
    expect(first.employees.totalCount).toBeGreaterThan(30);
  });

  it("sees a write made by any writer (plain SQL here), on the very next read", async () => {
    const target = (await page()).employees.edges[3]?.node.bobId as string;
    expect((await h.gql<{ employee: { firstName: string } }>(ONE, { b: target })).employee.firstName).not.toBe(
      "Renamed",
    );
    await h.gql(ONE, { b: target }); // kept
    await sql("update employee set first_name = 'Renamed' where company_id = ? and bob_id = ?", ["cache-co", target]);
    const before = stats();
    expect((await h.gql<{ employee: { firstName: string } }>(ONE, { b: target })).employee.firstName).toBe("Renamed");
    expect((await page()).employees.edges.find((e) => e.node.bobId === target)?.node.firstName).toBe("Renamed");
    expect(delta(before)).toMatchObject({ hits: 0, misses: 2 });
  });

  it("sees a deletion", async () => {
    const before = (await page()).employees;
    const gone = before.edges[0]?.node.bobId as string;
    await sql("delete from employee where company_id = ? and bob_id = ?", ["cache-co", gone]);
    const after = (await page()).employees;
    expect(after.totalCount).toBe(before.totalCount - 1);
    expect(after.edges.map((e) => e.node.bobId)).not.toContain(gone);
  });

  it("sees what a full sync applied", async () => {
    const person = h.sim.company.employees().find((e) => e.lifecycleStatus === "employed") as { id: string };
    await h.gql(ONE, { b: person.id });
    await h.gql(ONE, { b: person.id }); // kept
    h.sim.company.updateEmployee(person.id, { "root.surname": "Synced" });
    await h.syncAndWait();
    expect((await h.gql<{ employee: { lastName: string } }>(ONE, { b: person.id })).employee.lastName).toBe("Synced");
  });

  it("sees a change a webhook applied", async () => {
    await enableRealTime(h);
    const person = h.sim.company.employees().find((e) => e.lifecycleStatus === "employed") as { id: string };
    await h.gql(ONE, { b: person.id });
    const before = stats();
    await h.gql(ONE, { b: person.id });
    expect(delta(before).hits).toBe(1);
    h.sim.company.updateEmployee(person.id, { "root.surname": "Hooked" });
    await h.sim.webhooks.idle();
    await settled(h);
    expect((await h.gql<{ employee: { lastName: string } }>(ONE, { b: person.id })).employee.lastName).toBe("Hooked");
  });

  it("sees a new attribute (the attributes query and attribute names are cached too)", async () => {
    const list = async () =>
      (await h.gql<{ attributes: { name: string }[] }>("{ attributes { name } }")).attributes.map((a) => a.name);
    expect(await list()).not.toContain("Cached Team");
    await list();
    await h.gql('mutation { createAttribute(input: { name: "Cached Team", type: TEXT }) { id } }');
    expect(await list()).toContain("Cached Team");
  });

  it("sees an attribute renamed behind its back, in every employee's attribute names", async () => {
    const before = await page();
    expect(before.employees.edges.flatMap((e) => e.node.attributes.map((a) => a.attribute.name))).toContain(
      "Department",
    );
    await sql("update attribute set name = 'Division' where company_id = ? and name = 'Department'", ["cache-co"]);
    const after = await page();
    const names = after.employees.edges.flatMap((e) => e.node.attributes.map((a) => a.attribute.name));
    expect(names).toContain("Division");
    expect(names).not.toContain("Department");
    await sql("update attribute set name = 'Department' where company_id = ? and name = 'Division'", ["cache-co"]);
  });

  it("keys results by the company's calendar day: lifecycle and tenure follow the clock", async () => {
    const tenure = async () =>
      Object.fromEntries((await page(40)).employees.edges.map((e) => [e.node.bobId, e.node.tenureMonths]));
    const now = await tenure();
    await tenure(); // kept
    const moved = new Date(h.clock.now().getTime() + 62 * 86_400_000);
    h.clock.setDay(moved.toISOString().slice(0, 10));
    const later = await tenure();
    const changed = Object.keys(now).filter((id) => now[id] !== null && later[id] !== now[id]);
    expect(changed.length).toBeGreaterThan(0);
  });

  it("keeps companies and roles apart", async () => {
    const otherAdmin = await h.gw.token("cache-other-co", "ADMIN");
    await h.gw.gql("mutation { enableIntegration { status } }", {}, await h.gw.token("cache-other-co", "SUPPORT"));
    const mine = await page(5);
    const theirs = await h.gw.gql<Page>(PAGE, { f: 5 }, otherAdmin);
    expect(theirs.data?.employees.totalCount).toBe(0);
    expect(mine.employees.totalCount).toBeGreaterThan(0);
    const support = await h.gw.token("cache-co", "SUPPORT");
    const before = stats();
    const asSupport = await h.gw.gql<Page>(PAGE, { f: 5 }, support);
    expect(asSupport.data).toEqual(mine);
    expect(delta(before)).toMatchObject({ hits: 0, misses: 1 });
  });

  it("never keeps an error, nor answers operations with other root fields or mutations", async () => {
    const before = stats();
    for (let i = 0; i < 2; i++) {
      const tooMany = await h.gw.gql("{ employees(first: 501) { totalCount } }", {}, h.admin);
      expect(tooMany.errors?.[0]?.extensions?.code).toBe("BAD_USER_INPUT");
      const mixed = await h.gql<{ integration: { status: string } }>(
        "{ employees(first: 1) { totalCount } integration { status } }",
      );
      expect(mixed.integration.status).toBe("CONNECTED");
    }
    expect(delta(before)).toMatchObject({ hits: 0, stored: 0 });
  });

  it("runs identical concurrent reads once", async () => {
    await sql("update employee set last_name = last_name where company_id = ?", ["cache-co"]); // a new version: nothing kept
    const before = stats();
    const all = await Promise.all(Array.from({ length: 12 }, () => page(30)));
    for (const r of all) expect(r).toEqual(all[0]);
    const d = delta(before);
    expect(d.hits + d.joined + d.misses).toBe(12);
    expect(d.misses).toBeLessThan(12);
  });

  it("stays within its memory bound", async () => {
    const bounded = await startSyncHarness({
      employees: 30,
      seed: 8,
      companyId: "bounded-co",
      gateway: { graphqlReadCache: { maxBytes: 2_000 } },
    });
    try {
      await bounded.syncAndWait();
      const small = bounded.gw.gateway.readCache as GraphQLReadCache;
      for (let f = 1; f <= 30; f++) await bounded.gql("query($f: Int) { employees(first: $f) { totalCount } }", { f });
      expect(small.keptBytes).toBeLessThanOrEqual(2_000);
      expect(small.stats.evicted).toBeGreaterThan(0);
      expect(small.entryCount).toBeGreaterThan(0);
    } finally {
      await bounded.close();
    }
  });

  it("can be turned off", async () => {
    const off = await startSyncHarness({
      employees: 5,
      seed: 9,
      companyId: "uncached-co",
      gateway: { graphqlReadCache: false },
    });
    try {
      await off.syncAndWait();
      expect(off.gw.gateway.readCache).toBeNull();
      const a = await off.gql<Page>(PAGE, { f: 5 });
      await off.gw.gateway.db.em().execute("update employee set first_name = 'Off' where company_id = 'uncached-co'");
      const b = await off.gql<Page>(PAGE, { f: 5 });
      expect(a.employees.edges.length).toBe(5);
      expect(b.employees.edges.every((e) => e.node.firstName === "Off")).toBe(true);
    } finally {
      await off.close();
    }
  });
});

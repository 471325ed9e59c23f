import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { GraphQLReadCache } from "../../src/graphql/read-cache.js";
import { startSyncHarness, type SyncHarness } from "../support/sync-harness.js";

type Referenced = { id: string; bobId: string; firstName: string };
type Value = { attribute: { name: string; type: string }; value: string | null; employee: Referenced | null };
type Node = {
  id: string;
  bobId: string;
  firstName: string;
  manager: { id: string; bobId: string } | null;
  attributes: Value[];
};

const NODE =
  "id bobId firstName manager { id bobId } attributes { attribute { name type } value employee { id bobId firstName } }";
const ONE = `query($b: String!) { employee(bobId: $b) { ${NODE} } }`;
const PEOPLE = 120;

/**
 * EMPLOYEE attributes (the standard Manager, custom employee-reference fields) hold the referenced
 * Peakon employee: `value` is its Employee.id, `employee` resolves it; null both when the person
 * is not in the directory. Stored (and compared by the sync) as Bob ids; translated on read.
 */
describe("EMPLOYEE attribute values reference Peakon employees", () => {
  let h: SyncHarness;
  let queries: string[] = [];
  let boss: string;
  let mentor: string;
  let carl: string;
  let nameless: string;
  let orphan: string;
  let leaver: string;
  let leaversMentee: string;
  const leads: string[] = [];
  const people: string[] = [];

  const one = async (bobId: string): Promise<Node> => (await h.gql<{ employee: Node }>(ONE, { b: bobId })).employee;
  const valueOf = (node: Node, name: string): Value | undefined =>
    node.attributes.find((a) => a.attribute.name === name);

  beforeAll(async () => {
    h = await startSyncHarness({ employees: 0, companyId: "refs-co", onQuery: (sql) => queries.push(sql) });
    const mentorField = h.sim.company.createField({ name: "Mentor", type: "employee-reference" });
    await h.gql('mutation { createAttribute(input: { name: "Mentor", type: EMPLOYEE }) { id } }');
    const person = (first: string, last: string, values: Record<string, unknown> = {}) =>
      h.sim.company.createEmployee({
        "root.firstName": first,
        "root.surname": last,
        "root.email": `${first}.${last}@acme.example`.toLowerCase(),
        ...values,
      });

    boss = person("Bea", "Boss");
    mentor = person("Mia", "Mentor", { "work.manager": boss });
    // In Bob, but never in the directory: no surname (MISSING_NAME).
    nameless = h.sim.company.createEmployee({ "root.firstName": "Nora", "root.email": "nora@acme.example" });
    carl = person("Carl", "Custom", { "work.manager": boss, [mentorField.id]: mentor });
    orphan = person("Olga", "Orphan", { "work.manager": boss, [mentorField.id]: nameless });
    // A mentor who manages nobody and leaves Bob later (the last test).
    leaver = person("Lea", "Leaver", { "work.manager": boss });
    leaversMentee = person("Max", "Mentee", { "work.manager": boss, [mentorField.id]: leaver });
    for (let i = 0; i < 5; i++) leads.push(person(`Lead${i}`, `Lead${i}`, { "work.manager": boss }));
    // Everyone has a manager and a mentor who is not their manager: every page needs both kinds.
    for (let i = 0; i < PEOPLE; i++) {
      const name = String(i).padStart(3, "0");
      const mentee = person(`P${name}`, `A${name}`, {
        "work.manager": leads[i % leads.length],
        [mentorField.id]: i % 7 === 0 ? nameless : (people[i - 1] as string),
      });
      people.push(mentee);
    }
    const run = await h.syncAndWait();
    expect(run.status).toBe("PARTIAL"); // Nora is skipped every time
    expect(run.issues).toContainEqual(expect.objectContaining({ bobEmployeeId: nameless, code: "MISSING_NAME" }));
  });
  afterAll(async () => h?.close());

  it("gives Manager the manager's Employee.id, and the manager as its employee", async () => {
    const carlNode = await one(carl);
    const bossNode = await one(boss);
    expect(bossNode.id).toMatch(/^[0-9a-f-]{36}$/);
    expect(carlNode.manager).toEqual({ id: bossNode.id, bobId: boss });
    expect(valueOf(carlNode, "Manager")).toEqual({
      attribute: { name: "Manager", type: "EMPLOYEE" },
      value: bossNode.id,
      employee: { id: bossNode.id, bobId: boss, firstName: "Bea" },
    });
    // Not the Bob id any more.
    expect(valueOf(carlNode, "Manager")?.value).not.toBe(boss);
  });

  it("gives a custom employee-reference field the referenced employee's Employee.id, and the employee", async () => {
    const mentorNode = await one(mentor);
    expect(valueOf(await one(carl), "Mentor")).toEqual({
      attribute: { name: "Mentor", type: "EMPLOYEE" },
      value: mentorNode.id,
      employee: { id: mentorNode.id, bobId: mentor, firstName: "Mia" },
    });
  });

  it("gives null value and null employee for a reference to someone not in the directory", async () => {
    expect(await h.gql<{ employee: Node | null }>(ONE, { b: nameless })).toEqual({ employee: null });
    const node = await one(orphan);
    expect(valueOf(node, "Mentor")).toEqual({
      attribute: { name: "Mentor", type: "EMPLOYEE" },
      value: null,
      employee: null,
    });
    expect(valueOf(node, "Manager")?.employee?.bobId).toBe(boss);
  });

  it("resolves every EMPLOYEE value of a page at a constant number of SQL statements: 10 and 100 employees alike", async () => {
    // A query text of its own: nothing kept by the read cache from the other tests answers it.
    const query = `query Refs($f: Int) { employees(first: $f) { edges { node { ${NODE} manager { id bobId attributes { value employee { id firstName } } } } } } }`;
    const count = async (first: number) => {
      queries = [];
      const res = await h.gql<{ employees: { edges: { node: Node }[] } }>(query, { f: first });
      const used = queries;
      queries = [];
      const nodes = res.employees.edges.map((e) => e.node);
      expect(nodes).toHaveLength(first);
      const idOf = new Map(
        (
          await h.gql<{ employees: { edges: { node: { id: string; bobId: string } }[] } }>(
            "{ employees(first: 500) { edges { node { id bobId } } } }",
          )
        ).employees.edges.map((e) => [e.node.bobId, e.node.id]),
      );
      for (const node of nodes) {
        expect(valueOf(node, "Manager")?.value, node.bobId).toBe(node.manager?.id);
        expect(valueOf(node, "Manager")?.employee?.bobId, node.bobId).toBe(node.manager?.bobId);
        const ref = valueOf(node, "Mentor");
        expect(ref, node.bobId).toBeDefined();
        expect(ref?.value ?? null, node.bobId).toBe(ref?.employee?.id ?? null);
        if (ref?.employee) expect(idOf.get(ref.employee.bobId)).toBe(ref.value);
      }
      // The page holds custom references to people who are not its managers, and to someone not in the directory.
      expect(nodes.some((n) => valueOf(n, "Mentor")?.value === null)).toBe(true);
      expect(
        nodes.some((n) => {
          const m = valueOf(n, "Mentor")?.employee?.bobId;
          return m !== undefined && !leads.includes(m);
        }),
      ).toBe(true);
      return used;
    };
    const small = await count(10);
    const large = await count(100);
    expect(large.length, `10 employees:\n${small.join("\n")}\n100 employees:\n${large.join("\n")}`).toBe(small.length);
    expect(small.length).toBeLessThanOrEqual(10);
  });

  it("reads referenced employees without their values unless the operation reads them, through fragments too", async () => {
    const VALUES = "attributes { attribute { name } value employee { bobId } }";
    const own = (await h.gql<{ employee: { attributes: unknown[] } }>(`{ employee(bobId: "${boss}") { ${VALUES} } }`))
      .employee.attributes;
    expect(own.length).toBeGreaterThan(0);
    const referenceRead = (sql: string[]) =>
      sql.filter((q) => /from employee where company_id = \$1 and bob_id = any/.test(q));
    const withValues = [
      `{ employee(bobId: "${carl}") { manager { ${VALUES} } } }`,
      `fragment V on Employee { ${VALUES} } { employee(bobId: "${carl}") { manager { ...V } } }`,
      `{ employee(bobId: "${carl}") { attributes { employee { ... on Employee { manager { ${VALUES} } } } } } }`,
    ];
    for (const query of withValues) {
      queries = [];
      const res = await h.gql<{ employee: Record<string, unknown> }>(query);
      const reads = referenceRead(queries);
      const manager = (res.employee.manager ??
        (res.employee.attributes as { employee: { manager: unknown } | null }[]).find((v) => v.employee?.manager)
          ?.employee?.manager) as { attributes: unknown[] };
      expect(manager.attributes, query).toEqual(own);
      expect(reads.length, query).toBeGreaterThan(0);
      expect(
        reads.every((q) => /\battributes\b/.test(q)),
        `${query}\n${reads.join("\n")}`,
      ).toBe(true);
    }
    // Neither a manager's nor a referenced employee's values read: they are not read from the database.
    queries = [];
    const page = await h.gql<{ employees: { edges: { node: { manager: { bobId: string } | null } }[] } }>(
      "{ employees(first: 30) { edges { node { bobId manager { bobId firstName } attributes { value employee { bobId } } } } } }",
    );
    expect(page.employees.edges.filter((e) => e.node.manager !== null).length).toBeGreaterThan(0);
    const reads = referenceRead(queries);
    expect(reads.length).toBeGreaterThan(0);
    expect(
      reads.some((q) => /\battributes\b/.test(q)),
      reads.join("\n"),
    ).toBe(false);
  });

  it("is served the same by the read cache, and a reference whose employee leaves the directory turns null on the next read", async () => {
    const cache = h.gw.gateway.readCache as GraphQLReadCache;
    expect(cache).not.toBeNull();
    const first = await one(leaversMentee);
    const hits = cache.stats.hits;
    expect(await one(leaversMentee)).toEqual(first);
    expect(cache.stats.hits).toBe(hits + 1);
    const leaverNode = await one(leaver);
    expect(valueOf(first, "Mentor")).toMatchObject({ value: leaverNode.id, employee: { bobId: leaver } });

    // The mentee's own row does not change; the directory's version moves all the same.
    h.sim.company.deleteEmployee(leaver);
    const run = await h.syncAndWait();
    expect(run.status).toBe("PARTIAL"); // Nora is skipped every time
    expect(run.changes).toEqual([expect.objectContaining({ action: "DELETE", bobEmployeeId: leaver })]);
    const after = await one(leaversMentee);
    expect(valueOf(after, "Mentor")).toEqual({
      attribute: { name: "Mentor", type: "EMPLOYEE" },
      value: null,
      employee: null,
    });
    expect(valueOf(after, "Manager")?.employee?.bobId).toBe(boss);
  });
});

/**
 * SyncRun.surveyImpact: who becomes and who stops being surveyable today because of a run's plan,
 * for every run: dry runs and HELD runs show it without anything applied; an applied run's impact
 * is what actually changed in the directory; a sync that changes nothing has none. Through the
 * real server: Bob simulator -> full sync -> GraphQL.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { TODAY, startSyncHarness, type Run, type SyncHarness } from "../support/sync-harness.js";

type ImpactEmployee = { bobEmployeeId: string; email: string | null; becomesSurveyable: boolean };
type Impact = { becomesSurveyable: number; stopsBeingSurveyable: number; employees: ImpactEmployee[] };
const IMPACT =
  "surveyImpact { becomesSurveyable stopsBeingSurveyable employees(first: 1000) { bobEmployeeId email becomesSurveyable } }";

describe("survey impact of a run", () => {
  let h: SyncHarness;
  const people: string[] = [];
  let futureHire = "";
  let initialRun = "";

  const impactOf = async (runId: string): Promise<Impact | null> =>
    (
      await h.gql<{ syncRun: { surveyImpact: Impact | null } }>(`query($id: ID!) { syncRun(id: $id) { ${IMPACT} } }`, {
        id: runId,
      })
    ).syncRun.surveyImpact;
  /** Bob id -> surveyable today, for everyone in the directory. */
  const surveyable = async (): Promise<Map<string, boolean>> => {
    const page = await h.gql<{ employees: { edges: { node: { bobId: string; surveyable: boolean } }[] } }>(
      "{ employees(first: 500) { edges { node { bobId surveyable } } } }",
    );
    return new Map(page.employees.edges.map(({ node }) => [node.bobId, node.surveyable]));
  };
  /** Who changed sides between two directory reads (absent: not surveyable). */
  const turned = (before: Map<string, boolean>, after: Map<string, boolean>) => {
    const ids = new Set([...before.keys(), ...after.keys()]);
    const becomes = [...ids].filter((id) => !before.get(id) && after.get(id)).sort();
    const stops = [...ids].filter((id) => before.get(id) && !after.get(id)).sort();
    return { becomes, stops };
  };
  const sides = (impact: Impact | null) => ({
    becomes: (impact?.employees ?? [])
      .filter((e) => e.becomesSurveyable)
      .map((e) => e.bobEmployeeId)
      .sort(),
    stops: (impact?.employees ?? [])
      .filter((e) => !e.becomesSurveyable)
      .map((e) => e.bobEmployeeId)
      .sort(),
  });

  beforeAll(async () => {
    h = await startSyncHarness({ employees: 0, companyId: "impact-co" });
    for (let i = 0; i < 10; i++) {
      people.push(
        h.sim.company.createEmployee({
          "root.firstName": `Pat${i}`,
          "root.surname": "Impact",
          "root.email": `pat${i}@acme.example`,
          "work.startDate": "2020-01-01",
        }),
      );
    }
    futureHire = h.sim.company.createEmployee({
      "root.firstName": "Future",
      "root.surname": "Hire",
      "root.email": "future@acme.example",
      "work.startDate": "2026-08-01",
    });
    const run = await h.syncAndWait();
    expect(run.status).toBe("SUCCEEDED");
    initialRun = run.id;
  }, 60_000);
  afterAll(async () => h?.close());

  it("an initial sync makes everyone started surveyable, and not the future hire", async () => {
    const impact = await impactOf(initialRun);
    expect(impact).toMatchObject({ becomesSurveyable: 10, stopsBeingSurveyable: 0 });
    expect(sides(impact).becomes).toEqual([...people].sort());
    expect(impact?.employees.find((e) => e.bobEmployeeId === people[0])).toEqual({
      bobEmployeeId: people[0],
      email: "pat0@acme.example",
      becomesSurveyable: true,
    });
    const one = await h.gql<{ syncRun: { surveyImpact: { employees: unknown[] } } }>(
      `query($id: ID!) { syncRun(id: $id) { surveyImpact { employees(first: 1) { bobEmployeeId } } } }`,
      { id: initialRun },
    );
    expect(one.syncRun.surveyImpact.employees).toHaveLength(1);
  });

  it("a sync that changes nothing has no impact", async () => {
    const run = await h.syncAndWait();
    expect(run.counts).toMatchObject({ created: 0, updated: 0, deleted: 0 });
    expect(await impactOf(run.id)).toEqual({ becomesSurveyable: 0, stopsBeingSurveyable: 0, employees: [] });
  });

  let dryRun: Run;
  let newcomer = "";
  it("a dry run shows the plan's impact and applies nothing", async () => {
    h.sim.company.terminateEmployee(people[0] as string, {
      terminationDate: "2026-06-14",
      terminationReason: "Resignation",
    }); // left yesterday: stops
    h.sim.company.terminateEmployee(people[1] as string, { terminationDate: TODAY, terminationReason: "Resignation" }); // last day today: stays
    h.sim.company.updateEmployee(futureHire, { "work.startDate": TODAY }); // starts today: becomes
    h.sim.company.updateEmployee(people[2] as string, { "root.surname": "Renamed" }); // no lifecycle change
    newcomer = h.sim.company.createEmployee({
      "root.firstName": "New",
      "root.surname": "Comer",
      "root.email": "new@acme.example",
      "work.startDate": "2026-06-01",
    });
    const before = await surveyable();
    dryRun = await h.syncAndWait({ dryRun: true });
    expect(dryRun.counts).toMatchObject({ created: 1, updated: 4 });
    const impact = await impactOf(dryRun.id);
    expect(impact).toMatchObject({ becomesSurveyable: 2, stopsBeingSurveyable: 1 });
    expect(sides(impact)).toEqual({ becomes: [futureHire, newcomer].sort(), stops: [people[0]] });
    expect(await surveyable()).toEqual(before);
  });

  it("an applied run's impact is what actually changed in the directory", async () => {
    const before = await surveyable();
    const run = await h.syncAndWait();
    expect(run.status).toBe("SUCCEEDED");
    const impact = await impactOf(run.id);
    const changed = turned(before, await surveyable());
    expect(sides(impact)).toEqual(changed);
    expect(impact).toMatchObject({
      becomesSurveyable: changed.becomes.length,
      stopsBeingSurveyable: changed.stops.length,
    });
    expect(impact).toEqual(await impactOf(dryRun.id)); // the same plan the dry run showed
  });

  it("a HELD run shows the impact of its deletions before approval, and approving applies exactly that", async () => {
    const victims = people.slice(3, 7);
    for (const id of victims) h.sim.company.deleteEmployee(id);
    const before = await surveyable();
    const held = await h.syncAndWait();
    expect(held.status).toBe("HELD");
    const impact = await impactOf(held.id);
    expect(impact).toMatchObject({ becomesSurveyable: 0, stopsBeingSurveyable: 4 });
    expect(sides(impact).stops).toEqual([...victims].sort());
    expect(await surveyable()).toEqual(before); // nothing applied yet

    // The run list shows the impact too (one statement for the page).
    const list = await h.gql<{ syncRuns: { edges: { node: { id: string; surveyImpact: Impact | null } }[] } }>(
      `{ syncRuns(first: 10) { edges { node { id ${IMPACT} } } } }`,
    );
    expect(list.syncRuns.edges.find((e) => e.node.id === held.id)?.node.surveyImpact).toEqual(impact);

    await h.gql("mutation($id: ID!) { approveHeldSync(runId: $id) { id } }", { id: held.id });
    const done = await h.waitForRun(held.id, (p) => p.phase === "DONE");
    expect(done.status).toBe("SUCCEEDED");
    expect(sides(await impactOf(held.id))).toEqual(turned(before, await surveyable()));
  }, 60_000);
});

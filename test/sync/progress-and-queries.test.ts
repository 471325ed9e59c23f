import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { deferred, within } from "../support/deferred.js";
import { EMPLOYEE_FIELDS, startSyncHarness, type Progress, type SyncHarness } from "../support/sync-harness.js";

const PROGRESS = "runId status phase processed total counts { fetched created updated deleted unchanged skipped }";
const PHASE_ORDER = ["QUEUED", "FETCHING", "PLANNING", "APPLYING", "DONE"];

describe("live progress, history and directory queries", () => {
  let h: SyncHarness;
  let queries = 0;
  beforeAll(async () => {
    h = await startSyncHarness({ employees: 2500, seed: 5, onQuery: () => queries++ });
  });
  afterAll(async () => h?.close());

  /**
   * Collects a subscription's events until `done` says so. `ready` resolves after a round trip on
   * the same socket, i.e. once the server has taken the subscription.
   */
  const subscribe = (token: string, runId: string | null, done: (events: Progress[]) => boolean) => {
    const events: Progress[] = [];
    const finished = deferred<Progress[]>();
    const client = h.gw.ws(token);
    client.subscribe<{ syncProgress: Progress }>(
      { query: `subscription($id: ID) { syncProgress(runId: $id) { ${PROGRESS} } }`, variables: { id: runId } },
      {
        next: (v) => {
          if (v.data) events.push(v.data.syncProgress);
          if (done(events)) finished.resolve(events);
        },
        error: finished.reject,
        complete: () => finished.resolve(events),
      },
    );
    const ready = deferred<void>();
    client.subscribe(
      { query: "{ __typename }" },
      { next: () => {}, error: ready.reject, complete: () => ready.resolve() },
    );
    return { events: within(finished.promise, 120_000, "progress events"), ready: ready.promise };
  };
  const collect = (token: string, runId: string | null, done: (events: Progress[]) => boolean) =>
    subscribe(token, runId, done).events;

  it("streams ordered events through DONE, at least every 1,000 employees while applying, ending with the run's counts", async () => {
    const all = subscribe(h.admin, null, (events) => events.some((e) => e.phase === "DONE"));
    await all.ready;
    const run = await h.synchronize();
    const events = await all.events;
    const ofRun = events.filter((e) => e.runId === run.id);
    const phases = ofRun.map((e) => PHASE_ORDER.indexOf(e.phase));
    expect(phases).toEqual([...phases].sort((a, b) => a - b));
    expect(ofRun.map((e) => e.phase)).toEqual(expect.arrayContaining(["FETCHING", "PLANNING", "APPLYING", "DONE"]));
    const applying = ofRun.filter((e) => e.phase === "APPLYING");
    const total = applying[0]?.total as number;
    expect(total).toBeGreaterThan(2000);
    const seen = [0, ...applying.map((e) => e.processed), total];
    for (let i = 1; i < seen.length; i++)
      expect((seen[i] as number) - (seen[i - 1] as number)).toBeLessThanOrEqual(1000);
    const final = await h.waitForRun(run.id);
    expect(ofRun.at(-1)).toMatchObject({ phase: "DONE", status: final.status, counts: final.counts });
  });

  it("gives a late subscriber the run's current state first", async () => {
    const run = await h.synchronize();
    await h.waitForRun(run.id);
    const events = await collect(h.admin, run.id, (e) => e.length >= 1);
    expect(events[0]).toMatchObject({ runId: run.id, phase: "DONE" });
  });

  it("shows a subscriber only its own company's runs", async () => {
    const strangerToken = await h.gw.token("someone-else", "ADMIN");
    const strangerEvents: Progress[] = [];
    const client = h.gw.ws(strangerToken);
    client.subscribe<{ syncProgress: Progress }>(
      { query: `subscription { syncProgress { ${PROGRESS} } }` },
      { next: (v) => v.data && strangerEvents.push(v.data.syncProgress), error: () => {}, complete: () => {} },
    );
    const foreign = await h.gw.gql<{ syncProgress: unknown }>(
      "query($id: ID!) { syncRun(id: $id) { id } }",
      { id: (await h.synchronize()).id },
      strangerToken,
    );
    expect(foreign.data).toEqual({ syncRun: null });
    const run = await h.gql<{ integration: { lastSyncRun: { id: string } } }>("{ integration { lastSyncRun { id } } }");
    await h.waitForRun(run.integration.lastSyncRun.id);
    expect(strangerEvents).toEqual([]);
  });

  it("pages sync runs newest first with a total count", async () => {
    const page1 = await h.gql<{
      syncRuns: {
        totalCount: number;
        edges: { cursor: string; node: { id: string } }[];
        pageInfo: { hasNextPage: boolean; endCursor: string };
      };
    }>("{ syncRuns(first: 2) { totalCount edges { cursor node { id } } pageInfo { hasNextPage endCursor } } }");
    expect(page1.syncRuns.totalCount).toBe(3);
    expect(page1.syncRuns.pageInfo.hasNextPage).toBe(true);
    const last = await h.gql<{ integration: { lastSyncRun: { id: string } } }>(
      "{ integration { lastSyncRun { id } } }",
    );
    expect(page1.syncRuns.edges[0]?.node.id).toBe(last.integration.lastSyncRun.id);
    const page2 = await h.gql<{ syncRuns: { edges: { node: { id: string } }[]; pageInfo: { hasNextPage: boolean } } }>(
      "query($a: String) { syncRuns(first: 2, after: $a) { edges { node { id } } pageInfo { hasNextPage } } }",
      { a: page1.syncRuns.pageInfo.endCursor },
    );
    expect(page2.syncRuns.edges).toHaveLength(1);
    expect(page2.syncRuns.pageInfo.hasNextPage).toBe(false);
    const bad = await h.gw.gql('{ syncRuns(after: "garbage") { totalCount } }', {}, h.admin);
    expect(bad.errors?.[0]?.extensions?.code).toBe("BAD_USER_INPUT");
  });

  it("pages employees by last name, first name, id", async () => {
    const names: string[] = [];
    let after: string | null = null;
    for (let i = 0; i < 3; i++) {
      const page: {
        employees: { edges: { node: { lastName: string; firstName: string } }[]; pageInfo: { endCursor: string } };
      } = await h.gql(
        "query($a: String) { employees(first: 40, after: $a) { edges { node { lastName firstName } } pageInfo { endCursor } } }",
        { a: after },
      );
      names.push(...page.employees.edges.map((e) => `${e.node.lastName}\u0000${e.node.firstName}`));
      after = page.employees.pageInfo.endCursor;
    }
    expect(names).toHaveLength(120);
    expect(names).toEqual([...names].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0)));
    const tooMany = await h.gw.gql("{ employees(first: 501) { totalCount } }", {}, h.admin);
    expect(tooMany.errors?.[0]?.extensions?.code).toBe("BAD_USER_INPUT");
  });

  it("loads managers and attributes in batches: 100 employees cost the same queries as 5", async () => {
    const count = async (first: number) => {
      queries = 0;
      const res = await h.gql<{ employees: { edges: unknown[] } }>(
        `query($f: Int) { employees(first: $f) { totalCount edges { node { ${EMPLOYEE_FIELDS} manager { bobId manager { bobId } } } } } }`,
        { f: first },
      );
      expect(res.employees.edges).toHaveLength(first);
      return queries;
    };
    const small = await count(5);
    const large = await count(100);
    expect(large).toBe(small);
    expect(small).toBeLessThanOrEqual(10);
  });
});

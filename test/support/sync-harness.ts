import type { GatewayOptions } from "../../src/app.js";
import type { GatewayConfig } from "../../src/config/config.js";
import { startBobSimulator, type BobSimulator, type SimulatorOptions } from "../../simulator/index.js";
import { MovableClock } from "./clock.js";
import { deferred, within } from "./deferred.js";
import { startTestGateway, type TestGateway } from "./test-gateway.js";

export const TODAY = "2026-06-15";

export interface EmployeeView {
  id: string;
  bobId: string;
  firstName: string;
  lastName: string;
  email: string | null;
  employeeNumber: string | null;
  startDate: string | null;
  birthDate: string | null;
  separationDate: string | null;
  separationReason: string | null;
  lifecycle: string;
  surveyable: boolean;
  tenureMonths: number | null;
  manager: { bobId: string } | null;
  attributes: { attribute: { name: string; type: string }; value: string | null }[];
}
export const EMPLOYEE_FIELDS =
  "id bobId firstName lastName email employeeNumber startDate birthDate separationDate separationReason lifecycle surveyable tenureMonths manager { bobId } attributes { attribute { name type } value }";

export interface SyncHarness {
  employee(bobId: string): Promise<EmployeeView | null>;
  readonly sim: BobSimulator;
  readonly gw: TestGateway;
  readonly clock: MovableClock;
  readonly companyId: string;
  readonly admin: string;
  gql<T = Record<string, unknown>>(query: string, variables?: Record<string, unknown>): Promise<T>;
  synchronize(options?: { dryRun?: boolean }): Promise<Run>;
  waitForRun(runId: string, until?: (p: Progress) => boolean): Promise<Run>;
  syncAndWait(options?: { dryRun?: boolean }): Promise<Run>;
  close(): Promise<void>;
}

export interface Counts {
  fetched: number;
  created: number;
  updated: number;
  deleted: number;
  unchanged: number;
  skipped: number;
}
export interface Run {
  id: string;
  status: string;
  phase: string;
  dryRun: boolean;
  trigger: string;
  counts: Counts;
  error: string | null;
  issues: { bobEmployeeId: string | null; email: string | null; code: string; message: string }[];
  changes: { action: string; bobEmployeeId: string; email: string | null; fields: string[] }[];
}
export interface Progress {
  runId: string;
  status: string;
  phase: string;
  processed: number;
  total: number | null;
  counts: Counts;
}

export const RUN_FIELDS =
  "id status phase dryRun trigger error counts { fetched created updated deleted unchanged skipped } issues(first: 500) { bobEmployeeId email code message } changes(first: 1000) { action bobEmployeeId email fields }";
const PROGRESS_FIELDS =
  "runId status phase processed total counts { fetched created updated deleted unchanged skipped }";

/** A simulator company, a gateway on a fresh database, the integration enabled and connected. */
export async function startSyncHarness(
  options: {
    employees?: number;
    seed?: number;
    sim?: SimulatorOptions;
    companyId?: string;
    onQuery?: (sql: string) => void;
    gateway?: Omit<GatewayOptions, "clock">;
    config?: Partial<GatewayConfig>;
  } = {},
): Promise<SyncHarness> {
  const sim = await startBobSimulator({
    port: 0,
    seed: options.seed ?? 42,
    employees: options.employees ?? 0,
    today: TODAY,
    ...options.sim,
  });
  const clock = new MovableClock(new Date(`${TODAY}T12:00:00Z`));
  const gw = await startTestGateway(
    { bobApiUrl: sim.baseUrl, ...options.config },
    { clock, ...options.gateway, ...(options.onQuery ? { onQuery: options.onQuery } : {}) },
  );
  const companyId = options.companyId ?? "sync-co";
  await gw.gql("mutation { enableIntegration { status } }", {}, await gw.token(companyId, "SUPPORT"));
  const admin = await gw.token(companyId, "ADMIN");
  const gql = async <T>(query: string, variables: Record<string, unknown> = {}): Promise<T> => {
    const res = await gw.gql<T>(query, variables, admin);
    if (res.errors) throw new Error(`GraphQL error: ${JSON.stringify(res.errors)}`);
    return res.data as T;
  };
  const connected = await gql<{ connectIntegration: { status: string } }>(
    "mutation($i: ConnectIntegrationInput!) { connectIntegration(input: $i) { status } }",
    { i: { accessToken: sim.credentials.serviceUser.token, serviceUserId: sim.credentials.serviceUser.id } },
  );
  if (connected.connectIntegration.status !== "CONNECTED") throw new Error("not connected");

  const waitForRun = async (
    runId: string,
    until: (p: Progress) => boolean = (p) => p.phase === "DONE" || p.status === "HELD",
  ): Promise<Run> => {
    const done = deferred<void>();
    const client = gw.ws(admin);
    const stop = client.subscribe<{ syncProgress: Progress }>(
      { query: `subscription($id: ID) { syncProgress(runId: $id) { ${PROGRESS_FIELDS} } }`, variables: { id: runId } },
      {
        next: (v) => v.data && until(v.data.syncProgress) && done.resolve(),
        error: done.reject,
        complete: () => done.resolve(),
      },
    );
    try {
      await within(done.promise, 120_000, `run ${runId} to finish`);
    } finally {
      stop();
    }
    return (await gql<{ syncRun: Run }>(`query($id: ID!) { syncRun(id: $id) { ${RUN_FIELDS} } }`, { id: runId }))
      .syncRun;
  };
  const synchronize = async (opts: { dryRun?: boolean } = {}): Promise<Run> =>
    (
      await gql<{ synchronizeNow: Run }>(
        `mutation($i: SynchronizeNowInput) { synchronizeNow(input: $i) { ${RUN_FIELDS} } }`,
        { i: { dryRun: opts.dryRun ?? false } },
      )
    ).synchronizeNow;
  return {
    sim,
    gw,
    clock,
    companyId,
    admin,
    gql,
    synchronize,
    waitForRun,
    syncAndWait: async (opts) => waitForRun((await synchronize(opts)).id),
    employee: async (bobId) =>
      (
        await gql<{ employee: EmployeeView | null }>(
          `query($b: String!) { employee(bobId: $b) { ${EMPLOYEE_FIELDS} } }`,
          { b: bobId },
        )
      ).employee,
    async close() {
      await gw.stop();
      await sim.close();
    },
  };
}

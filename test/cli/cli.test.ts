import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startSyncHarness, type SyncHarness } from "../support/sync-harness.js";
import { enableRealTime, settled } from "../support/webhook-harness.js";
import { closedPort, parseJson, requireBuiltCli, runCli, type CliResult } from "./run-cli.js";

/** The built `bob-gateway` CLI, run as a child process against a real gateway and the Bob simulator. */
describe("bob-gateway CLI", () => {
  let h: SyncHarness;
  let firstRunId = "";
  const cli = (args: readonly string[], token?: string): Promise<CliResult> =>
    runCli(args, { url: h.gw.url, token: token ?? h.admin });
  const ok = (r: CliResult): CliResult => {
    expect(r.code, `exit ${r.code}\nstdout: ${r.stdout}\nstderr: ${r.stderr}`).toBe(0);
    return r;
  };

  interface Node {
    bobId: string;
    lifecycle: string;
    separationDate: string | null;
    separationReason: string | null;
    surveyable: boolean;
  }
  const directory = async (lifecycle: string[] | null): Promise<{ totalCount: number; nodes: Node[] }> => {
    const data = await h.gql<{ employees: { totalCount: number; edges: { node: Node }[] } }>(
      "query($l: [Lifecycle!]) { employees(first: 500, lifecycle: $l) { totalCount edges { node { bobId lifecycle separationDate separationReason surveyable } } } }",
      { l: lifecycle },
    );
    return { totalCount: data.employees.totalCount, nodes: data.employees.edges.map((e) => e.node) };
  };

  beforeAll(async () => {
    requireBuiltCli();
    // More employees than one CLI page (200), so listing everything paginates.
    h = await startSyncHarness({ employees: 230, seed: 11, companyId: "cli-co" });
  });
  afterAll(async () => h?.close());

  it("--help lists the commands and the exit codes", async () => {
    const r = ok(await runCli(["--help"]));
    for (const command of [
      "enable",
      "connect",
      "sync",
      "runs",
      "run <id>",
      "mappings",
      "leavers",
      "employees",
      "deliveries",
    ])
      expect(r.stdout).toContain(command);
    expect(r.stdout).toMatch(/Exit codes:/);
    for (const code of [
      "0  ok",
      "1  the API answered an error",
      "2  usage error",
      "3  cannot reach the gateway",
      "4  sync --wait: the run FAILED",
      "5  sync --wait: the run is HELD",
    ]) {
      expect(r.stdout).toContain(code);
    }
    expect(r.stdout).toContain("BOB_GATEWAY_URL");
    expect(r.stdout).toContain("BOB_GATEWAY_TOKEN");
  });

  it("enables and connects a fresh company", async () => {
    const support = await h.gw.token("cli-fresh", "SUPPORT");
    const admin = await h.gw.token("cli-fresh", "ADMIN");
    // Before support enables it, admins cannot connect.
    const early = await cli(["connect", "--access-token", h.sim.credentials.accessToken], admin);
    expect(early.code).toBe(1);
    expect(early.stderr).toContain("FEATURE_NOT_ENABLED");

    const enabled = ok(await cli(["enable"], support));
    expect(enabled.stdout).toMatch(/status:\s+DISCONNECTED/);

    const { id, token } = h.sim.credentials.serviceUser;
    const connected = parseJson<{
      connectIntegration: { status: string; credentialKind: string; tokenHint: string; webhookUrl: string };
    }>(ok(await cli(["connect", "--access-token", token, "--service-user-id", id, "--json"], admin)));
    expect(connected.connectIntegration).toMatchObject({
      status: "CONNECTED",
      credentialKind: "SERVICE_USER",
      tokenHint: token.slice(-4),
    });
    expect(connected.connectIntegration.webhookUrl).toMatch(/\/webhooks\/bob\//);

    // The legacy token style, as a table, replaces the credential.
    const legacy = ok(await cli(["connect", "--access-token", h.sim.credentials.accessToken], admin));
    expect(legacy.stdout).toMatch(/status:\s+CONNECTED/);
    expect(legacy.stdout).toMatch(/credential:\s+ACCESS_TOKEN/);

    // A credential that cannot see the personal category: still connected, and status says what to grant.
    h.sim.addCredential({
      kind: "ACCESS_TOKEN",
      token: "cli-limited-token-012345",
      scopes: ["Full employee read", "Employee fields read"],
      hiddenCategories: ["personal"],
    });
    ok(await cli(["connect", "--access-token", "cli-limited-token-012345"], admin));
    const limited = ok(await cli(["status"], admin));
    expect(limited.stdout).toMatch(/status:\s+CONNECTED/);
    expect(limited.stdout).toMatch(/warning FIELD_NOT_VISIBLE \(personal\.birthDate\): .*permission group/);
    ok(await cli(["connect", "--access-token", h.sim.credentials.accessToken], admin));
    expect(ok(await cli(["status"], admin)).stdout).not.toContain("warning");

    const wrong = await cli(["connect", "--access-token", "not-a-bob-token"], admin);
    expect(wrong.code).toBe(1);
    expect(wrong.stderr).toContain("BOB_INVALID_CREDENTIALS");
    expect((await cli(["connect"], admin)).code).toBe(2);
  });

  it("sync --wait draws a progress bar and prints the run's counts", async () => {
    // A slow Bob keeps the run in FETCHING long enough for the subscription to see it there.
    h.sim.faults.set({ latencyMs: 400 });
    const r = ok(await cli(["sync", "--wait"]).finally(() => h.sim.faults.reset()));
    expect(r.stderr).toMatch(/\[#+\]\s+100%\s+\d+\/\d+\s+(APPLYING|DONE)/);
    expect(r.stderr).toMatch(/FETCHING/);
    const runs = await h.gql<{
      syncRuns: { edges: { node: { id: string; status: string; counts: Record<string, number> } }[] };
    }>(
      "{ syncRuns(first: 1) { edges { node { id status counts { fetched created updated deleted unchanged skipped } } } } }",
    );
    const run = runs.syncRuns.edges[0]?.node;
    expect(run?.status).toMatch(/SUCCEEDED|PARTIAL/);
    firstRunId = run?.id ?? "";
    expect(r.stdout).toContain(firstRunId);
    expect(r.stdout).toMatch(/FETCHED\s+CREATED\s+UPDATED\s+DELETED\s+UNCHANGED\s+SKIPPED/);
    const c = run?.counts ?? {};
    expect(r.stdout).toMatch(
      new RegExp(
        `\\s${c.fetched}\\s+${c.created}\\s+${c.updated}\\s+${c.deleted}\\s+${c.unchanged}\\s+${c.skipped}\\n`,
      ),
    );
    expect(c.created).toBeGreaterThan(200);
  });

  it("sync --dry-run --json prints the queued dry run", async () => {
    const r = ok(await cli(["sync", "--dry-run", "--json"]));
    const data = parseJson<{ synchronizeNow: { id: string; dryRun: boolean; status: string } }>(r);
    expect(data.synchronizeNow.dryRun).toBe(true);
    expect(data.synchronizeNow.id).not.toBe(firstRunId);
    const run = await h.waitForRun(data.synchronizeNow.id);
    expect(run.dryRun).toBe(true);
    expect(run.phase).toBe("DONE");
  });

  it("runs and run <id> show what the API has", async () => {
    const api = await h.gql<{
      syncRuns: { totalCount: number; edges: { node: { id: string; status: string; dryRun: boolean } }[] };
    }>("{ syncRuns(first: 20) { totalCount edges { node { id status dryRun } } } }");
    const table = ok(await cli(["runs"]));
    const lines = table.stdout.trim().split("\n");
    expect(lines[0]).toMatch(/^ID\s+STATUS\s+PHASE\s+DRY/);
    for (const [i, { node }] of api.syncRuns.edges.entries())
      expect(lines[i + 2]).toMatch(
        new RegExp(`^${node.id}\\s+${node.status}\\s+DONE\\s+${node.dryRun ? "yes" : "no"}`),
      );
    const json = parseJson<{ syncRuns: { totalCount: number; edges: { node: { id: string } }[] } }>(
      ok(await cli(["runs", "--json"])),
    );
    expect(json.syncRuns.edges.map((e) => e.node.id)).toEqual(api.syncRuns.edges.map((e) => e.node.id));

    const detail = (
      await h.gql<{
        syncRun: {
          issues: { code: string; bobEmployeeId: string | null }[];
          changes: { action: string; bobEmployeeId: string }[];
        };
      }>(
        "query($id: ID!) { syncRun(id: $id) { issues(first: 500) { code bobEmployeeId } changes(first: 1000) { action bobEmployeeId } } }",
        { id: firstRunId },
      )
    ).syncRun;
    const shown = ok(await cli(["run", firstRunId]));
    expect(shown.stdout).toMatch(new RegExp(`run:\\s+${firstRunId}`));
    expect(shown.stdout).toMatch(/Counts\nfetched:\s+230/);
    expect(detail.issues.length).toBeGreaterThan(0);
    for (const issue of detail.issues)
      expect(shown.stdout).toMatch(new RegExp(`${issue.code}\\s+${issue.bobEmployeeId ?? "-"}`));
    expect(shown.stdout).toContain(`Changes (${detail.changes.length})`);
    const runJson = parseJson<{ syncRun: { id: string; issues: unknown[]; changes: { bobEmployeeId: string }[] } }>(
      ok(await cli(["run", firstRunId, "--json"])),
    );
    expect(runJson.syncRun.id).toBe(firstRunId);
    expect(runJson.syncRun.issues).toHaveLength(detail.issues.length);
    expect(runJson.syncRun.changes.map((c) => c.bobEmployeeId)).toEqual(detail.changes.map((c) => c.bobEmployeeId));

    expect((await cli(["run"])).code).toBe(2);
    const missing = await cli(["run", "00000000-0000-4000-8000-000000000000"]);
    expect(missing.code).toBe(1);
    expect(missing.stderr).toMatch(/NOT_FOUND|BAD_USER_INPUT/);
  });

  it("mappings lists every Bob field as fieldMappings does", async () => {
    const api = await h.gql<{ fieldMappings: { bobFieldId: string; status: string }[] }>(
      "{ fieldMappings { bobFieldId status } }",
    );
    const r = ok(await cli(["mappings"]));
    for (const m of api.fieldMappings)
      expect(r.stdout).toMatch(new RegExp(`^${m.bobFieldId.replace(/[.$]/g, "\\$&")}\\s.*\\s${m.status}\\s`, "m"));
    expect(r.stdout).toContain(`${api.fieldMappings.length} Bob fields`);
    const json = parseJson<{ fieldMappings: { bobFieldId: string; status: string }[] }>(
      ok(await cli(["mappings", "--json"])),
    );
    expect(json.fieldMappings.map((m) => [m.bobFieldId, m.status])).toEqual(
      api.fieldMappings.map((m) => [m.bobFieldId, m.status]),
    );
  });

  it("leavers shows LEAVING and LEFT employees with separation date, reason and surveyable", async () => {
    const api = await directory(["LEAVING", "LEFT"]);
    expect(api.nodes.length).toBeGreaterThan(0);
    const r = ok(await cli(["leavers"]));
    for (const e of api.nodes) {
      expect(r.stdout).toMatch(
        new RegExp(
          `^${e.bobId}\\s.*\\s${e.lifecycle}\\s+${e.separationDate ?? "-"}\\s+.*${e.surveyable ? "yes" : "no"}$`,
          "m",
        ),
      );
      if (e.separationReason) expect(r.stdout).toContain(e.separationReason);
    }
    const json = parseJson<{ employees: { totalCount: number; edges: { node: Node }[] } }>(
      ok(await cli(["leavers", "--json"])),
    );
    const pick = (n: Node) => ({
      bobId: n.bobId,
      lifecycle: n.lifecycle,
      separationDate: n.separationDate,
      separationReason: n.separationReason,
      surveyable: n.surveyable,
    });
    expect(json.employees.edges.map((e) => pick(e.node))).toEqual(api.nodes.map(pick));
  });

  it("employees filters by lifecycle, paginates through every page and honours --limit", async () => {
    const preHires = await directory(["PRE_HIRE"]);
    expect(preHires.nodes.length).toBeGreaterThan(0);
    const json = parseJson<{ employees: { totalCount: number; edges: { node: Node }[] } }>(
      ok(await cli(["employees", "--lifecycle", "PRE_HIRE", "--json"])),
    );
    expect(json.employees.totalCount).toBe(preHires.totalCount);
    expect(json.employees.edges.map((e) => e.node.bobId)).toEqual(preHires.nodes.map((n) => n.bobId));
    expect(new Set(json.employees.edges.map((e) => e.node.lifecycle))).toEqual(new Set(["PRE_HIRE"]));

    const everyone = await directory(null);
    expect(everyone.totalCount).toBeGreaterThan(200);
    const all = parseJson<{ employees: { totalCount: number; edges: { node: Node }[] } }>(
      ok(await cli(["employees", "--json"])),
    );
    expect(all.employees.edges.map((e) => e.node.bobId)).toEqual(everyone.nodes.map((n) => n.bobId));

    const some = ok(await cli(["employees", "--lifecycle", "active,leaving", "--limit", "7"]));
    expect(some.stdout.trim().split("\n")).toHaveLength(2 + 7 + 1);
    expect(some.stdout).toMatch(/7 of \d+ employees/);
    // MANAGER shows the referenced employee by name, not by id.
    const [header = "", , ...rows] = some.stdout.split("\n");
    const managers = (
      await h.gql<{ employees: { edges: { node: { manager: { firstName: string; lastName: string } | null } }[] } }>(
        "{ employees(first: 7, lifecycle: [ACTIVE, LEAVING]) { edges { node { manager { firstName lastName } } } } }",
      )
    ).employees.edges.map((e) => (e.node.manager ? `${e.node.manager.firstName} ${e.node.manager.lastName}` : "-"));
    expect(managers.some((m) => m !== "-")).toBe(true);
    expect(rows.slice(0, 7).map((r) => r.slice(header.indexOf("MANAGER")).trim())).toEqual(managers);
    expect((await cli(["employees", "--lifecycle", "RETIRED"])).code).toBe(2);
    expect((await cli(["employees", "--limit", "zero"])).code).toBe(2);
  });

  it("deliveries lists what arrived on the webhook URL", async () => {
    expect(ok(await cli(["deliveries"])).stdout).toContain("No webhook deliveries yet.");
    await enableRealTime(h);
    const someone = h.sim.company
      .employees()
      .find((e) => e.lifecycleStatus === "employed" && e.values["root.firstName"]) as { id: string };
    h.sim.company.updateEmployee(someone.id, { "root.surname": "Webhooked" });
    await h.sim.webhooks.idle(); // delivered (answered 202) before the gateway's list is read
    const api = await settled(h);
    expect(api.length).toBeGreaterThan(0);
    const r = ok(await cli(["deliveries"]));
    for (const d of api)
      expect(r.stdout).toMatch(
        new RegExp(
          `\\s${d.eventType.replace(/\./g, "\\.")}\\s+${d.bobEmployeeId ?? "-"}\\s+${d.status}\\s.*${d.id}$`,
          "m",
        ),
      );
    const json = parseJson<{ webhookDeliveries: { edges: { node: { id: string; status: string } }[] } }>(
      ok(await cli(["deliveries", "--json"])),
    );
    expect(json.webhookDeliveries.edges.map((e) => [e.node.id, e.node.status])).toEqual(
      api.map((d) => [d.id, d.status]),
    );
  });

  it("history <bobId> shows what the gateway changed on an employee and why", async () => {
    const webhooked = h.sim.company.employees().find((e) => e.values["root.surname"] === "Webhooked") as { id: string };
    const api = await h.gql<{
      employeeHistory: {
        totalCount: number;
        edges: {
          node: {
            action: string;
            cause: string;
            fields: { name: string; before: string | null; after: string | null }[];
          };
        }[];
      };
    }>(
      "query($b: String!) { employeeHistory(bobId: $b) { totalCount edges { node { action cause fields { name before after } } } } }",
      { b: webhooked.id },
    );
    const [update, create] = api.employeeHistory.edges.map((e) => e.node);
    expect(update).toMatchObject({ action: "UPDATE", cause: "WEBHOOK" });
    expect(create).toMatchObject({ action: "CREATE", cause: "FULL_SYNC" });
    const surname = update?.fields.find((f) => f.name === "Last name");
    const r = ok(await cli(["history", webhooked.id]));
    expect(r.stdout).toMatch(/UPDATE \(WEBHOOK\)\s+delivery \S+\s+Last name\s+/);
    expect(r.stdout).toContain(`${surname?.before} → Webhooked`);
    expect(r.stdout).toMatch(/CREATE \(FULL_SYNC\)\s+run \S+/);
    expect(r.stdout).toContain(`${api.employeeHistory.totalCount} changes`);
    const json = parseJson<typeof api>(ok(await cli(["history", webhooked.id, "--json"])));
    expect(json.employeeHistory.edges.map((e) => e.node.action)).toEqual(["UPDATE", "CREATE"]);
    expect(ok(await cli(["history", "nobody-here"])).stdout).toContain("No history for Bob employee nobody-here");
    expect((await cli(["history"])).code).toBe(2);
  });

  it("survey --on DATE --by Department shows who is surveyable then, who joins and who leaves, by department", async () => {
    type Population = {
      surveyable: number;
      joining: { bobId: string }[];
      leaving: { bobId: string }[];
      groups: { value: string | null; surveyable: number; joining: number; leaving: number }[];
    };
    const api = await h.gql<{ surveyPopulation: Population }>(
      'query($on: Date!) { surveyPopulation(on: $on, groupBy: "Department") { surveyable joining { bobId } leaving { bobId } groups { value surveyable joining leaving } } }',
      { on: "2026-12-31" },
    );
    const p = api.surveyPopulation;
    const r = ok(await cli(["survey", "--on", "2026-12-31", "--by", "Department"]));
    expect(r.stdout).toContain(
      `Surveyable on 2026-12-31: ${p.surveyable} (joining ${p.joining.length}, leaving ${p.leaving.length} from today)`,
    );
    expect(r.stdout).toMatch(/DEPARTMENT\s+SURVEYABLE\s+JOINING\s+LEAVING/);
    for (const id of [...p.joining, ...p.leaving].map((e) => e.bobId)) expect(r.stdout).toContain(id);
    const json = parseJson<{ surveyPopulation: Population }>(
      ok(await cli(["survey", "--on", "2026-12-31", "--by", "department", "--json"])),
    );
    expect(json.surveyPopulation.groups).toEqual(p.groups);
    expect(json.surveyPopulation.joining.map((e) => e.bobId)).toEqual(p.joining.map((e) => e.bobId));
    expect(ok(await cli(["survey", "--on", "2026-06-15"])).stdout).toContain("Surveyable on 2026-06-15");
    const before = await cli(["survey", "--on", "2026-06-14"]);
    expect(before.code).toBe(1);
    expect(before.stderr).toContain("BAD_USER_INPUT");
    const unknown = await cli(["survey", "--on", "2026-12-31", "--by", "Shoe size"]);
    expect(unknown.code).toBe(1);
    expect(unknown.stderr).toContain("Shoe size");
    expect((await cli(["survey"])).code).toBe(2);
    expect((await cli(["survey", "--on", "next week"])).code).toBe(2);
  });

  it("a bad token exits 1 with UNAUTHENTICATED on stderr", async () => {
    const r = await cli(["runs"], "not-a-token");
    expect(r.code).toBe(1);
    expect(r.stderr).toContain("UNAUTHENTICATED");
    expect(r.stdout).toBe("");
    const admin = await cli(["enable"]); // an ADMIN token may not enable
    expect(admin.code).toBe(1);
    expect(admin.stderr).toContain("FORBIDDEN");
  });

  it("usage errors exit 2", async () => {
    for (const args of [["frobnicate"], ["runs", "--frobnicate"], ["runs", "--dry-run"], ["runs", "extra"], []]) {
      const r = await cli(args);
      expect(r.code, args.join(" ")).toBe(2);
      expect(r.stderr).not.toBe("");
    }
    expect((await cli(["frobnicate"])).stderr).toContain('unknown command "frobnicate"');
    const noToken = await runCli(["runs"], { url: h.gw.url });
    expect(noToken.code).toBe(2);
    expect(noToken.stderr).toContain("BOB_GATEWAY_TOKEN");
  });

  it("an unreachable gateway exits 3", async () => {
    const port = await closedPort();
    const r = await runCli(["runs", "--url", `http://127.0.0.1:${port}`], { token: h.admin });
    expect(r.code).toBe(3);
    expect(r.stderr).toMatch(/Cannot reach the gateway at http:\/\/127\.0\.0\.1:\d+\/graphql/);
    // Something answers, but it is not a gateway.
    const notGateway = await runCli(["runs", "--url", `${h.sim.origin}/nowhere`], { token: h.admin });
    expect(notGateway.code).toBe(3);
  });

  it("sync --wait exits 5 with a hint when the deletion safeguard holds the run, and approve applies it", async () => {
    // Bob stops telling the gateway in real time, so the deletions wait for the full sync.
    for (const s of h.sim.webhooks.subscriptions) h.sim.webhooks.unsubscribe(s.id);
    const victims = h.sim.company.employees().slice(0, 80);
    for (const v of victims) h.sim.company.deleteEmployee(v.id);
    const r = await cli(["sync", "--wait"]);
    expect(r.code, r.stderr).toBe(5);
    expect(r.stderr).toMatch(/HELD by the deletion safeguard \(it would delete 80 employees\)/);
    const id = /bob-gateway approve ([\w-]+)/.exec(r.stderr)?.[1] ?? "";
    expect(id).not.toBe("");
    const approved = ok(await cli(["approve", id, "--json"]));
    expect(parseJson<{ approveHeldSync: { id: string } }>(approved).approveHeldSync.id).toBe(id);
    const run = await h.waitForRun(id);
    expect(run.counts.deleted).toBe(80);
  });
});

import { spawnSync } from "node:child_process";
import { copyFileSync, existsSync, mkdirSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { chromium, type Browser, type BrowserContext, type Page } from "playwright-core";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { startBobSimulator, type BobSimulator } from "../../simulator/index.js";
import { MovableClock } from "../support/clock.js";
import { TODAY } from "../support/sync-harness.js";
import { TEST_DB } from "../support/test-database.js";
import { startTestGateway, type TestGateway } from "../support/test-gateway.js";

/**
 * The admin console at / in a real browser (Debian's Chromium through playwright-core), against a
 * real gateway and the Bob simulator. Support enables the integration; everything else happens in
 * the page: sign in from #token=, connect (a wrong token first), sync with live progress, field
 * mapping, history, leavers, webhooks, a held run approved. Screenshots of each tab go to
 * test-results/console/; docs/screenshots/ gets a few for the README when missing, or refreshed
 * with UPDATE_DOC_SCREENSHOTS=1.
 */
const CHROMIUM = "/usr/bin/chromium";
const HAS_CHROMIUM = existsSync(CHROMIUM);
const ROOT = fileURLToPath(new URL("../../", import.meta.url));
const SHOTS = join(ROOT, "test-results", "console", TEST_DB);
const DOC_SHOTS = join(ROOT, "docs", "screenshots");
const COMPANY = "console-co";

if (!HAS_CHROMIUM) console.warn(`test/console skipped: ${CHROMIUM} is not installed (apt-get install chromium)`);
const browserIt = it.skipIf(!HAS_CHROMIUM);

/** The console is built by `npm run build`; build it here too so the test never sees a stale page. */
function buildConsole(): void {
  for (const args of [
    [join(ROOT, "node_modules", "typescript", "bin", "tsc"), "-p", join(ROOT, "tsconfig.console.json")],
    [join(ROOT, "scripts", "build-console.mjs")],
  ]) {
    const res = spawnSync(process.execPath, args, { cwd: ROOT, encoding: "utf8" });
    if (res.status !== 0) throw new Error(`console build failed: ${res.stdout}${res.stderr}`);
  }
}

describe(`admin console in Chromium${HAS_CHROMIUM ? "" : ` (skipped: ${CHROMIUM} not installed)`}`, () => {
  let sim: BobSimulator;
  let gw: TestGateway;
  let admin: string;
  let browser: Browser;
  let context: BrowserContext;
  let page: Page;
  const pageErrors: string[] = [];
  /** The page's GraphQL requests (operation, status, milliseconds), printed when a test fails. */
  const requests: string[] = [];

  const shot = async (name: string, docName?: string): Promise<void> => {
    const file = join(SHOTS, `${name}.png`);
    await page.screenshot({ path: file });
    if (docName && (process.env.UPDATE_DOC_SCREENSHOTS === "1" || !existsSync(join(DOC_SHOTS, docName)))) {
      mkdirSync(DOC_SHOTS, { recursive: true });
      copyFileSync(file, join(DOC_SHOTS, docName));
    }
  };
  const openTab = async (id: string): Promise<void> => {
    await page.getByTestId(`tab-${id}`).click();
    await page.locator(`#panel-${id}:not([hidden])`).waitFor();
  };
  /** Away to `away` and back to `tab`, which loads the integration again; resolves once the page has its answer. */
  const reloadIntegrationOn = async (tab: string, away: string): Promise<void> => {
    const loaded = page.waitForResponse((res) => (res.request().postData() ?? "").includes("LoadIntegration"));
    await openTab(away);
    await openTab(tab);
    await (await loaded).finished();
    await page.evaluate(() => new Promise((resolve) => setTimeout(resolve, 50)));
  };
  /** The settings bar has reached 100% for a finished run (not the one before). */
  const progressDone = async (testId: string, notRunId?: string): Promise<string> => {
    const bar = page.locator(
      `[data-testid="${testId}"][aria-valuenow="100"][data-phase="DONE"]${notRunId ? `:not([data-run-id="${notRunId}"])` : ""}`,
    );
    await bar.waitFor({ state: "attached", timeout: 30_000 });
    return (await bar.getAttribute("data-run-id")) as string;
  };

  beforeAll(async () => {
    if (!HAS_CHROMIUM) return;
    buildConsole();
    mkdirSync(SHOTS, { recursive: true });
    sim = await startBobSimulator({ port: 0, seed: 7, employees: 60, today: TODAY });
    gw = await startTestGateway(
      { bobApiUrl: sim.baseUrl },
      { clock: new MovableClock(new Date(`${TODAY}T12:00:00Z`)) },
    );
    const enabled = await gw.gql("mutation { enableIntegration { status } }", {}, await gw.token(COMPANY, "SUPPORT"));
    expect(enabled.errors).toBeUndefined();
    admin = await gw.token(COMPANY, "ADMIN", { subject: "ada@console-co.example" });
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      headless: true,
      args: [
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-quic",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
      ],
    });
    context = await browser.newContext({ viewport: { width: 1100, height: 760 }, locale: "en-US", timezoneId: "UTC" });
    context.setDefaultTimeout(15_000);
    page = await context.newPage();
    page.on("pageerror", (error) => pageErrors.push(error.message));
    page.on("console", (msg) => msg.type() === "error" && pageErrors.push(msg.text()));
    const started = new Map<object, number>();
    page.on("request", (request) => started.set(request, Date.now()));
    const settled = async (request: import("playwright-core").Request, outcome: string) => {
      if (!request.url().endsWith("/graphql")) return;
      const body = request.postData() ?? "";
      const operation = /(query|mutation|subscription)\s+(\w+)/.exec(body)?.slice(1).join(" ") ?? body.slice(0, 60);
      const ms = Date.now() - (started.get(request) ?? Date.now());
      const answer = await request
        .response()
        .then((res) => res?.text())
        .catch(() => "");
      requests.push(`${new Date().toISOString()} ${operation}: ${outcome} in ${ms} ms ${answer?.slice(0, 300) ?? ""}`);
    };
    page.on("requestfinished", (request) => void settled(request, "answered"));
    page.on("requestfailed", (request) => void settled(request, `failed (${request.failure()?.errorText})`));
  });

  // A failure in the browser says little by itself: what the page asked and the gateway logged does.
  beforeEach(({ onTestFailed }) => {
    onTestFailed(() => {
      console.error(
        [
          "page's last GraphQL requests:",
          ...requests.slice(-15),
          "page errors:",
          ...pageErrors.slice(-10),
          "gateway log:",
          ...(gw?.logs.slice(-30) ?? []),
        ].join("\n"),
      );
    });
  });

  afterAll(async () => {
    await context?.close();
    await browser?.close();
    await gw?.stop();
    await sim?.close();
  });

  browserIt("signs in from #token=, then removes it from the address bar and shows the company", async () => {
    await page.goto(`${gw.url}/#token=${admin}`);
    await expect.poll(() => page.getByTestId("company-id").textContent()).toBe(COMPANY);
    expect(page.url()).not.toContain("token=");
    expect(await page.evaluate(() => Object.values(sessionStorage))).toEqual([admin]);
    await page.getByTestId("integration-status").filter({ hasText: "Disconnected" }).waitFor();
  });

  browserIt("connects Bob, explaining a wrong token in plain words first", async () => {
    await page.getByLabel("Access token").fill("not-a-bob-token");
    // The connection is drawn again whenever the integration loads (here: back on the tab); what
    // the admin typed stays. A slow first load used to replace the form under the typing.
    await reloadIntegrationOn("overview", "settings");
    expect(await page.getByLabel("Access token").inputValue()).toBe("not-a-bob-token");
    await page.getByTestId("connect-submit").click();
    const error = page.getByTestId("connect-error");
    await error.waitFor();
    expect(await error.textContent()).toContain("Bob did not accept this token");
    await shot("connect-error");

    await page.getByLabel("Access token").fill(sim.credentials.accessToken);
    await page.getByTestId("connect-submit").click();
    await page.getByTestId("integration-status").filter({ hasText: "Connected" }).waitFor();
    expect(await page.getByTestId("credential").textContent()).toBe(
      `Legacy API access token ending in …${sim.credentials.accessToken.slice(-4)}`,
    );
    expect(await page.getByTestId("realtime").textContent()).toBe("Off");
  });

  browserIt("synchronizes now with a live progress bar to 100%, and the overview shows the run", async () => {
    await openTab("settings");
    await page.getByTestId("sync-now").click();
    const runId = await progressDone("sync-progress");
    expect(await page.getByTestId("sync-progress").getAttribute("data-status")).toMatch(/SUCCEEDED|PARTIAL/);
    expect(await page.getByTestId("sync-progress-label").textContent()).toMatch(/^Done/);

    await openTab("overview");
    await page
      .locator('[data-testid="last-sync-status"]')
      .filter({ hasText: /Succeeded|Partial/ })
      .waitFor();
    const counts = await page.getByTestId("last-sync-counts").innerText();
    expect(counts).toMatch(/Created\s+[1-9]\d*/);
    expect(await page.locator('[data-testid="overview-progress"]').getAttribute("aria-valuenow")).toBe("100");
    expect(runId).toBeTruthy();
    await shot("overview", "console-overview.png");

    // A dry run plans only: it finishes like a run, and history marks it.
    await openTab("settings");
    await page.getByTestId("dry-run").click();
    const dryRunId = await progressDone("sync-progress", runId);
    await openTab("history");
    await page.locator(`[data-testid="run"][data-run-id="${dryRunId}"]`).filter({ hasText: "Dry run" }).waitFor();
  });

  browserIt("shows every Bob field's mapping, filterable by text and status", async () => {
    await openTab("mapping");
    const firstName = page.locator('[data-testid="mapping-row"][data-field-id="root.firstName"]');
    await firstName.waitFor();
    expect(await firstName.innerText()).toMatch(/First name[\s\S]*Standard/);
    await shot("field-mapping", "console-field-mapping.png");

    await page.getByLabel("Filter").fill("first name");
    await expect.poll(() => page.getByTestId("mapping-row").count()).toBeGreaterThanOrEqual(1);
    for (const text of await page.getByTestId("mapping-row").allInnerTexts())
      expect(text.toLowerCase()).toContain("first name");
    await page.getByLabel("Filter").fill("");
    await page.getByLabel("Status").selectOption("STANDARD");
    const statuses = await page
      .getByTestId("mapping-row")
      .evaluateAll((rows) => rows.map((r) => r.getAttribute("data-status")));
    expect(statuses.length).toBeGreaterThan(5);
    expect(new Set(statuses)).toEqual(new Set(["STANDARD"]));
  });

  browserIt(
    "overrides a custom field's mapping: into another attribute, excluded, back to by name; a refusal in plain words",
    async () => {
      const kst = sim.company.createField({ name: "Console Kostenstelle", type: "text" });
      sim.company.createField({ name: "Console cost center", type: "text" });
      for (const name of ["Console cost center", "Console budget"]) {
        expect(
          (
            await gw.gql(
              "mutation($n: String!) { createAttribute(input: { name: $n, type: TEXT }) { id } }",
              { n: name },
              admin,
            )
          ).errors,
        ).toBeUndefined();
      }
      await openTab("overview");
      await openTab("mapping");
      await page.getByLabel("Status").selectOption("");
      const row = page.locator(`[data-testid="mapping-row"][data-field-id="${kst.id}"]`);
      await row.waitFor();
      expect(await row.getAttribute("data-status")).toBe("NO_MATCHING_ATTRIBUTE");
      // Standard fields and the ones the sync reads for itself have no edit control.
      for (const id of ["root.email", "root.id"])
        expect(
          await page.locator(`[data-testid="mapping-row"][data-field-id="${id}"] [data-testid="mapping-edit"]`).count(),
        ).toBe(0);

      // Its namesake feeds "Console cost center": refused, explained, nothing changed.
      await row.getByTestId("mapping-edit").selectOption({ label: "Console cost center (Text)" });
      const error = page.getByTestId("mapping-edit-error");
      await error.waitFor();
      expect(await error.textContent()).toContain("already fed by Bob field");
      expect(await row.getAttribute("data-status")).toBe("NO_MATCHING_ATTRIBUTE");

      await row.getByTestId("mapping-edit").selectOption({ label: "Console budget (Text)" });
      await page.locator(`[data-testid="mapping-row"][data-field-id="${kst.id}"][data-status="OVERRIDDEN"]`).waitFor();
      await page.getByTestId("mapping-saved").waitFor();
      expect(await row.innerText()).toContain("Console budget");
      await shot("field-mapping-override");

      await row.getByTestId("mapping-edit").selectOption({ label: "Exclude (never sync)" });
      await expect.poll(async () => (await row.innerText()).includes("Excluded by an admin")).toBe(true);
      expect(await row.getAttribute("data-status")).toBe("OVERRIDDEN");

      await row.getByTestId("mapping-edit").selectOption({ label: "Automatic (by name)" });
      await page
        .locator(`[data-testid="mapping-row"][data-field-id="${kst.id}"][data-status="NO_MATCHING_ATTRIBUTE"]`)
        .waitFor();
    },
  );

  browserIt("lists sync runs with their counts, issues and changes", async () => {
    await openTab("history");
    const run = page.getByTestId("run").filter({ hasNotText: "Dry run" }).first();
    await run.waitFor();
    await run.locator("summary").click();
    await page.getByTestId("run-change").first().waitFor();
    const issues = await page.getByTestId("run-issue").allInnerTexts();
    expect(issues.join("\n")).toMatch(/Missing name|Duplicate email|Reporting cycle/);
    await shot("sync-history", "console-sync-history.png");
  });

  browserIt("shows leavers and future hires with dates, reason and surveyable status", async () => {
    await openTab("people");
    await page.getByTestId("person").first().waitFor();
    const lifecycles = new Set(
      await page.getByTestId("person").evaluateAll((rows) => rows.map((r) => r.getAttribute("data-lifecycle"))),
    );
    expect([...lifecycles].sort()).toEqual(["LEAVING", "LEFT", "PRE_HIRE"]);
    await shot("leavers-and-future-hires");
    await page.getByLabel("Show").selectOption("future");
    await expect
      .poll(
        async () =>
          new Set(
            await page.getByTestId("person").evaluateAll((rows) => rows.map((r) => r.getAttribute("data-lifecycle"))),
          ),
      )
      .toEqual(new Set(["PRE_HIRE"]));
    // A person's history: created by the full sync, with the values it set.
    await page.getByTestId("person-history-toggle").first().click();
    const created = page.getByTestId("history-entry").first();
    await created.waitFor();
    expect(await created.getAttribute("data-action")).toBe("CREATE");
    expect(await created.getAttribute("data-cause")).toBe("FULL_SYNC");
    expect(await created.innerText()).toMatch(/Full sync/);
    expect((await created.getByTestId("history-field").allInnerTexts()).join("\n")).toMatch(/First name: — → \S+/);
    await shot("person-history");
  });

  browserIt("shows upcoming changes: who is surveyable on a date, who joins and leaves, by department", async () => {
    const on = "2026-12-31";
    const api = await gw.gql<{
      surveyPopulation: {
        surveyable: number;
        joining: { bobId: string }[];
        leaving: { bobId: string }[];
        groups: { value: string | null; surveyable: number }[];
      };
    }>(
      'query($on: Date!) { surveyPopulation(on: $on, groupBy: "Department") { surveyable joining { bobId } leaving { bobId } groups { value surveyable } } }',
      { on },
      admin,
    );
    const expected = api.data?.surveyPopulation;
    expect(expected?.joining.length).toBeGreaterThan(0);
    await openTab("upcoming");
    await page.getByLabel("Survey date").fill(on);
    await page.getByLabel("Group by").selectOption("Department");
    await page.getByTestId("upcoming-show").click();
    await page.getByTestId("upcoming-groups").waitFor();
    expect(await page.getByTestId("upcoming-surveyable").textContent()).toBe(String(expected?.surveyable));
    expect(
      await page.getByTestId("upcoming-joining").evaluateAll((rows) => rows.map((r) => r.getAttribute("data-bob-id"))),
    ).toEqual(expected?.joining.map((e) => e.bobId));
    expect(await page.getByTestId("upcoming-leaving").count()).toBe(expected?.leaving.length);
    expect(await page.getByTestId("upcoming-group").count()).toBe(expected?.groups.length);
    await shot("upcoming-changes", "console-upcoming-changes.png");
    // A date before the company's today is explained, not shown as a population.
    await page.getByLabel("Survey date").fill("2026-06-01");
    await page.getByTestId("upcoming-show").click();
    expect(await page.getByTestId("upcoming-error").textContent()).toContain("today");
  });

  browserIt("turns on real-time updates with the hook secret and lists webhook deliveries", async () => {
    await openTab("settings");
    const webhookUrl = await page.getByTestId("webhook-url").inputValue();
    expect(webhookUrl).toMatch(/^http:\/\/gateway\.test\/webhooks\/bob\//);
    await page.getByLabel("Hook secret").fill("console-hook-secret-0123456789");
    await page.getByRole("button", { name: "Save secret" }).click();
    await page.getByTestId("realtime-status").filter({ hasText: "On" }).waitFor();

    sim.webhooks.configure({ retryBaseMs: 20, maxAttempts: 8 });
    const subscription = sim.webhooks.subscribe({
      url: `${gw.url}${new URL(webhookUrl).pathname}`,
      secret: "console-hook-secret-0123456789",
    });
    const someone = sim.company.employees().find((e) => e.lifecycleStatus === "employed") as { id: string };
    sim.company.updateEmployee(someone.id, { "root.surname": "Renamed" });
    await sim.webhooks.idle();

    await openTab("deliveries");
    await page.locator('[data-testid="delivery"]').first().waitFor();
    await expect
      .poll(
        async () => {
          await page.getByRole("button", { name: "Refresh" }).click();
          return page.locator('[data-testid="delivery"]').first().getAttribute("data-status");
        },
        { timeout: 20_000 },
      )
      .toBe("APPLIED");
    await shot("webhook-deliveries");
    // Later tests change Bob in bulk and expect only full syncs to see it.
    sim.webhooks.unsubscribe(subscription.id);
  });

  browserIt("explains a rejected setting", async () => {
    await openTab("settings");
    await page.getByLabel("Deletion safeguard (%)").fill("0");
    await page.getByTestId("save-settings").click();
    await page.getByTestId("settings-error").waitFor();
    // The integration loads again (back on the tab): the refused value stays for the admin to correct.
    await reloadIntegrationOn("settings", "overview");
    expect(await page.getByLabel("Deletion safeguard (%)").inputValue()).toBe("0");
    await page.getByLabel("Deletion safeguard (%)").fill("20");
    await page.getByLabel("Reconcile every (hours)").fill("24");
    await page.getByTestId("save-settings").click();
    await page.getByText("Settings saved.").waitFor();
    await shot("settings");
    // Saved: the form shows the stored values again when the integration loads.
    await openTab("overview");
    await openTab("settings");
    await expect.poll(() => page.getByLabel("Reconcile every (hours)").inputValue()).toBe("24");
  });

  browserIt("holds a sync that would delete too many, shows its deletions, and applies it when approved", async () => {
    const previous = await page.getByTestId("sync-progress").getAttribute("data-run-id");
    const victims = sim.company
      .employees()
      .filter((e) => e.lifecycleStatus === "employed")
      .slice(0, 16)
      .map((e) => e.id);
    for (const id of victims) sim.company.deleteEmployee(id);

    await page.getByTestId("sync-now").click();
    const held = page.getByTestId("held-run");
    await held.waitFor();
    expect(await page.getByTestId("held-deletions").textContent()).toBe(String(victims.length));
    expect(await page.getByTestId("held-deletion").count()).toBe(victims.length);
    // Beside the deletions: who would stop being surveyable today, as the API reports it.
    const newest = (
      await gw.gql<{
        syncRuns: { edges: { node: { status: string; surveyImpact: { stopsBeingSurveyable: number } } }[] };
      }>("{ syncRuns(first: 1) { edges { node { status surveyImpact { stopsBeingSurveyable } } } } }", {}, admin)
    ).data?.syncRuns.edges[0]?.node;
    expect(newest?.status).toBe("HELD");
    const heldImpact = newest?.surveyImpact;
    expect(heldImpact?.stopsBeingSurveyable).toBeGreaterThan(0);
    const impactView = held.getByTestId("survey-impact");
    expect(await impactView.getAttribute("data-stops")).toBe(String(heldImpact?.stopsBeingSurveyable));
    expect(await impactView.innerText()).toContain(
      `${heldImpact?.stopsBeingSurveyable} employees would stop being surveyable`,
    );
    expect(await page.getByTestId("sync-progress").getAttribute("data-status")).toBe("HELD");
    await page.getByRole("heading", { name: "Synchronization" }).scrollIntoViewIfNeeded();
    await shot("held-run", "console-held-run.png");

    await page.getByTestId("approve-held").click();
    await held.waitFor({ state: "hidden" });
    const runId = await progressDone("sync-progress", previous ?? undefined);
    expect(await page.getByTestId("sync-progress").getAttribute("data-status")).toMatch(/SUCCEEDED|PARTIAL/);
    await openTab("overview");
    await expect
      .poll(() => page.locator('[data-testid="last-sync-counts"] [data-count="deleted"] dd').textContent())
      .toBe(String(victims.length));
    await openTab("history");
    // (The test clock stands still, so every run has the same queuedAt: look the run up by id.)
    const approved = page.locator(`[data-testid="run"][data-run-id="${runId}"]`);
    await approved.waitFor();
    expect(await approved.getAttribute("data-status")).toMatch(/SUCCEEDED|PARTIAL/);
  });

  browserIt("shows, on the overview, the fields a credential cannot see and what to grant in Bob", async () => {
    await openTab("overview");
    expect(await page.getByTestId("warnings").count()).toBe(0);
    sim.addCredential({
      kind: "ACCESS_TOKEN",
      token: "console-limited-token-0123",
      scopes: ["Full employee read", "Employee fields read"],
      hiddenCategories: ["personal"],
    });
    await page.getByRole("button", { name: "Replace credential" }).click();
    await page.getByLabel("Access token").fill("console-limited-token-0123");
    await page.getByTestId("connect-submit").click();
    const warnings = page.getByTestId("warnings");
    await warnings.waitFor();
    expect(await warnings.innerText()).toMatch(/Birth date.*not visible.*permission group/s);
    await shot("field-warnings", "console-field-warnings.png");
    // The full credential again: the warning goes.
    await page.getByRole("button", { name: "Replace credential" }).click();
    await page.getByLabel("Access token").fill(sim.credentials.accessToken);
    await page.getByTestId("connect-submit").click();
    await warnings.waitFor({ state: "detached" });
  });

  browserIt("signs out: the token is forgotten", async () => {
    await page.getByTestId("sign-out").click();
    await page.getByTestId("signin").waitFor();
    expect(await page.evaluate(() => sessionStorage.length)).toBe(0);
    await page.reload();
    await page.getByTestId("signin").waitFor();
    expect(pageErrors).toEqual([]);
  });
});

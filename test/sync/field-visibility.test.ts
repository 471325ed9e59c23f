/**
 * A Bob credential whose permission group cannot see some categories: Bob omits those fields
 * (200 OK), so absent must never read as empty. Connect warns at once; every sync keeps the
 * stored values, is PARTIAL with one FIELD_NOT_VISIBLE issue per field, and says so in
 * integration.warnings, until the credential sees them again.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startSyncHarness, type SyncHarness } from "../support/sync-harness.js";

const LIMITED = { id: "limited-service-user", token: "limited-token-0123456789" };
const INTEGRATION = "query { integration { status warnings { code bobFieldId message } } }";
const CONNECT =
  "mutation($i: ConnectIntegrationInput!) { connectIntegration(input: $i) { status warnings { code bobFieldId message } } }";

interface Warning {
  code: string;
  bobFieldId: string | null;
  message: string;
}

describe("fields the credential cannot see", () => {
  let h: SyncHarness;
  let leaver: string;
  let stayer: string;

  beforeAll(async () => {
    h = await startSyncHarness({ employees: 0, companyId: "visibility-co" });
    h.sim.addCredential({
      kind: "SERVICE_USER",
      id: LIMITED.id,
      token: LIMITED.token,
      scopes: ["Full employee read", "Employee fields read"],
      hiddenCategories: ["internal", "personal"],
    });
    stayer = h.sim.company.createEmployee({
      "root.firstName": "Sam",
      "root.surname": "Stayer",
      "root.email": "sam@acme.example",
      "personal.birthDate": "1990-04-01",
      "work.startDate": "2020-01-01",
    });
    leaver = h.sim.company.createEmployee({
      "root.firstName": "Lee",
      "root.surname": "Leaver",
      "root.email": "lee@acme.example",
      "personal.birthDate": "1985-02-03",
      "work.startDate": "2019-01-01",
    });
    h.sim.company.terminateEmployee(leaver, {
      terminationDate: "2026-05-31",
      terminationReason: h.sim.company.namedLists().find((l) => l.name === "terminationReason")!.items[0]!.id,
    });
    const first = await h.syncAndWait();
    expect(first.issues.filter((i) => i.code === "FIELD_NOT_VISIBLE")).toEqual([]);
    expect((await h.gql<{ integration: { warnings: Warning[] } }>(INTEGRATION)).integration.warnings).toEqual([]);
  }, 60_000);
  afterAll(async () => h?.close());

  it("connect with a limited credential still connects and warns at once, naming field, category and what to grant", async () => {
    const res = await h.gql<{ connectIntegration: { status: string; warnings: Warning[] } }>(CONNECT, {
      i: { accessToken: LIMITED.token, serviceUserId: LIMITED.id },
    });
    expect(res.connectIntegration.status).toBe("CONNECTED");
    const ids = res.connectIntegration.warnings.map((w) => w.bobFieldId);
    expect(ids).toEqual(
      expect.arrayContaining(["personal.birthDate", "internal.terminationDate", "internal.terminationReason"]),
    );
    expect(ids).not.toContain("root.email");
    expect(ids).not.toContain("work.startDate");
    for (const w of res.connectIntegration.warnings) expect(w.code).toBe("FIELD_NOT_VISIBLE");
    const birth = res.connectIntegration.warnings.find((w) => w.bobFieldId === "personal.birthDate")!;
    expect(birth.message).toMatch(/Birth date/);
    expect(birth.message).toMatch(/Personal/);
    expect(birth.message).toMatch(/permission group/);
  });

  it("a sync keeps every hidden value, applies the visible changes, and is PARTIAL with one FIELD_NOT_VISIBLE issue per field", async () => {
    h.sim.company.updateEmployee(stayer, { "root.surname": "Stayer-Renamed", "personal.birthDate": "1991-01-01" });
    const run = await h.syncAndWait();
    expect(run.status).toBe("PARTIAL");
    const visibility = run.issues.filter((i) => i.code === "FIELD_NOT_VISIBLE");
    expect(visibility.map((i) => i.message.match(/\(([^,]+),/)?.[1]).sort()).toEqual(
      (await h.gql<{ integration: { warnings: Warning[] } }>(INTEGRATION)).integration.warnings
        .map((w) => w.bobFieldId)
        .sort(),
    );
    for (const issue of visibility) expect(issue.bobEmployeeId).toBeNull();
    expect(run.counts.updated).toBe(1);
    expect(run.changes).toEqual([
      { action: "UPDATE", bobEmployeeId: stayer, email: "sam@acme.example", fields: ["Last name"] },
    ]);

    const sam = await h.employee(stayer);
    expect(sam?.lastName).toBe("Stayer-Renamed");
    expect(sam?.birthDate).toBe("1990-04-01"); // hidden: kept, not wiped, not the new value
    const lee = await h.employee(leaver);
    expect(lee?.separationDate).toBe("2026-05-31");
    expect(lee?.separationReason).not.toBeNull();
    expect(lee?.lifecycle).toBe("LEFT");
    expect(lee?.surveyable).toBe(false);
  }, 60_000);

  it("an unchanged resync (people recognised, not parsed) still reports the hidden fields", async () => {
    const run = await h.syncAndWait();
    expect(run.status).toBe("PARTIAL");
    expect(run.counts.updated).toBe(0);
    expect(run.issues.filter((i) => i.code === "FIELD_NOT_VISIBLE").length).toBeGreaterThanOrEqual(3);
    expect((await h.employee(leaver))?.separationDate).toBe("2026-05-31");
  }, 60_000);

  it("once the credential sees the fields again, the warnings go and Bob's values come in", async () => {
    const creds = h.sim.credentials.serviceUser;
    const res = await h.gql<{ connectIntegration: { warnings: Warning[] } }>(CONNECT, {
      i: { accessToken: creds.token, serviceUserId: creds.id },
    });
    expect(res.connectIntegration.warnings).toEqual([]);
    const run = await h.syncAndWait();
    expect(run.issues.filter((i) => i.code === "FIELD_NOT_VISIBLE")).toEqual([]);
    expect(run.status).toBe("SUCCEEDED");
    expect((await h.employee(stayer))?.birthDate).toBe("1991-01-01");
    expect((await h.gql<{ integration: { warnings: Warning[] } }>(INTEGRATION)).integration.warnings).toEqual([]);
  }, 60_000);
});

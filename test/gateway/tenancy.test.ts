import { beforeAll, describe, expect, it } from "vitest";
import { startTestGateway, type TestGateway } from "../support/test-gateway.js";

const INTEGRATION =
  "{ integration { status credentialKind tokenHint connectedAt webhookUrl realTimeUpdates settings { deletionSafeguardPercent reconcileEveryHours } } }";

describe("tenancy and enabling the integration", () => {
  let gw: TestGateway;
  beforeAll(async () => {
    gw = await startTestGateway();
  });

  it("creates a company the first time a valid token names it, NOT_ENABLED with default settings", async () => {
    const res = await gw.gql(INTEGRATION, {}, await gw.token("first-timer"));
    expect(res.errors).toBeUndefined();
    expect(res.data).toEqual({
      integration: {
        status: "NOT_ENABLED",
        credentialKind: null,
        tokenHint: null,
        connectedAt: null,
        webhookUrl: null,
        realTimeUpdates: false,
        settings: { deletionSafeguardPercent: 20, reconcileEveryHours: null },
      },
    });
    const rows = await gw.gateway.db
      .em()
      .getConnection()
      .execute("select id from company where id = ?", ["first-timer"]);
    expect(rows).toHaveLength(1);
  });

  it("refuses a token naming a company with surrounding spaces, whatever the role, and creates nothing", async () => {
    // README, "Limits": a companyId outside [A-Za-z0-9._-]{1,128} is UNAUTHENTICATED.
    for (const role of ["ADMIN", "SUPPORT"] as const) {
      const token = await gw.token("spaced-co ", role);
      const res = await gw.gql("mutation { enableIntegration { status } }", {}, token);
      expect(res.errors?.[0]?.extensions?.code).toBe("UNAUTHENTICATED");
      expect(res.errors?.[0]?.message).toMatch(/"companyId" claim is missing or invalid/);
    }
    const rows = await gw.gateway.db
      .em()
      .getConnection()
      .execute("select id from company where id like ?", ["spaced-co%"]);
    expect(rows).toHaveLength(0);
  });

  it("creates the company once when its first requests race", async () => {
    const token = await gw.token("racer");
    const results = await Promise.all(Array.from({ length: 8 }, () => gw.gql("{ attributes { name } }", {}, token)));
    for (const r of results) expect(r.errors).toBeUndefined();
    const attrs = await gw.gateway.db
      .em()
      .getConnection()
      .execute("select count(*)::int as n from attribute where company_id = ?", ["racer"]);
    expect(attrs[0]?.n).toBe(14);
  });

  it("lets SUPPORT enable the integration, then it is DISCONNECTED", async () => {
    const support = await gw.token("enable-co", "SUPPORT");
    const res = await gw.gql<{ enableIntegration: { status: string } }>(
      "mutation { enableIntegration { status } }",
      {},
      support,
    );
    expect(res.errors).toBeUndefined();
    expect(res.data?.enableIntegration.status).toBe("DISCONNECTED");
    const again = await gw.gql<{ integration: { status: string } }>(
      "{ integration { status } }",
      {},
      await gw.token("enable-co", "ADMIN"),
    );
    expect(again.data?.integration.status).toBe("DISCONNECTED");
  });

  it("refuses enableIntegration to ADMIN and changes nothing", async () => {
    const admin = await gw.token("admin-only-co", "ADMIN");
    const res = await gw.gql("mutation { enableIntegration { status } }", {}, admin);
    expect(res.errors?.[0]?.extensions?.code).toBe("FORBIDDEN");
    const after = await gw.gql<{ integration: { status: string } }>("{ integration { status } }", {}, admin);
    expect(after.data?.integration.status).toBe("NOT_ENABLED");
  });

  it("refuses admin mutations before enabling with FEATURE_NOT_ENABLED", async () => {
    const admin = await gw.token("not-yet-co", "ADMIN");
    const created = await gw.gql(
      'mutation { createAttribute(input: { name: "Cost center", type: TEXT }) { id } }',
      {},
      admin,
    );
    expect(created.errors?.[0]?.extensions?.code).toBe("FEATURE_NOT_ENABLED");
    const settings = await gw.gql(
      "mutation { updateSyncSettings(input: { deletionSafeguardPercent: 50 }) { status } }",
      {},
      admin,
    );
    expect(settings.errors?.[0]?.extensions?.code).toBe("FEATURE_NOT_ENABLED");
    const attrs = await gw.gql<{ attributes: { name: string }[] }>("{ attributes { name } }", {}, admin);
    expect(attrs.data?.attributes.map((a) => a.name)).not.toContain("Cost center");
  });

  it("keeps companies apart: one company's changes never show in another", async () => {
    await gw.gql("mutation { enableIntegration { status } }", {}, await gw.token("alpha", "SUPPORT"));
    const alphaAdmin = await gw.token("alpha", "ADMIN");
    const betaAdmin = await gw.token("beta", "ADMIN");
    const created = await gw.gql(
      'mutation { createAttribute(input: { name: "Alpha only", type: OPTION }) { id name } }',
      {},
      alphaAdmin,
    );
    expect(created.errors).toBeUndefined();
    await gw.gql("mutation { updateSyncSettings(input: { deletionSafeguardPercent: 55 }) { status } }", {}, alphaAdmin);

    const beta = await gw.gql<{
      integration: { status: string; settings: { deletionSafeguardPercent: number } };
      attributes: { name: string }[];
    }>("{ integration { status settings { deletionSafeguardPercent } } attributes { name } }", {}, betaAdmin);
    expect(beta.data?.integration.status).toBe("NOT_ENABLED");
    expect(beta.data?.integration.settings.deletionSafeguardPercent).toBe(20);
    expect(beta.data?.attributes.map((a) => a.name)).not.toContain("Alpha only");
  });

  it("offers no way to name another company", async () => {
    const res = await gw.gql('{ integration(companyId: "alpha") { status } }', {}, await gw.token("beta"));
    expect(res.errors?.[0]?.extensions?.code).toBe("GRAPHQL_VALIDATION_FAILED");
  });
});

describe("sync settings", () => {
  let gw: TestGateway;
  let admin: string;
  beforeAll(async () => {
    gw = await startTestGateway();
    await gw.gql("mutation { enableIntegration { status } }", {}, await gw.token("settings-co", "SUPPORT"));
    admin = await gw.token("settings-co", "ADMIN");
  });

  const update = (input: string) =>
    gw.gql<{
      updateSyncSettings: { settings: { deletionSafeguardPercent: number; reconcileEveryHours: number | null } };
    }>(
      `mutation { updateSyncSettings(input: ${input}) { settings { deletionSafeguardPercent reconcileEveryHours } } }`,
      {},
      admin,
    );

  it("updates within bounds and keeps absent fields", async () => {
    expect((await update("{ deletionSafeguardPercent: 35 }")).data?.updateSyncSettings.settings).toEqual({
      deletionSafeguardPercent: 35,
      reconcileEveryHours: null,
    });
    expect((await update("{ reconcileEveryHours: 168 }")).data?.updateSyncSettings.settings).toEqual({
      deletionSafeguardPercent: 35,
      reconcileEveryHours: 168,
    });
    expect((await update("{ reconcileEveryHours: null }")).data?.updateSyncSettings.settings).toEqual({
      deletionSafeguardPercent: 35,
      reconcileEveryHours: null,
    });
  });

  it.each([
    "{ deletionSafeguardPercent: 0 }",
    "{ deletionSafeguardPercent: 101 }",
    "{ deletionSafeguardPercent: null }",
    "{ reconcileEveryHours: 0 }",
    "{ reconcileEveryHours: 169 }",
  ])("rejects %s with BAD_USER_INPUT and changes nothing", async (input) => {
    const before = await gw.gql(
      "{ integration { settings { deletionSafeguardPercent reconcileEveryHours } } }",
      {},
      admin,
    );
    const res = await update(input);
    expect(res.errors?.[0]?.extensions?.code).toBe("BAD_USER_INPUT");
    const after = await gw.gql(
      "{ integration { settings { deletionSafeguardPercent reconcileEveryHours } } }",
      {},
      admin,
    );
    expect(after.data).toEqual(before.data);
  });
});

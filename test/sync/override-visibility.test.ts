/**
 * Connecting checks that the credential can see the fields the sync will ask for, admins'
 * overrides included: a field an admin excluded is never asked for, so a credential that cannot
 * see it gets no warning for it.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startSyncHarness, type SyncHarness } from "../support/sync-harness.js";

const LIMITED = {
  kind: "SERVICE_USER" as const,
  id: "SERVICE-LIMITED-1",
  token: "limited-view-token-0123456789abcdef",
};

describe("connect's visibility check follows field-mapping overrides", () => {
  let h: SyncHarness;
  let clearance: string;
  const connectLimited = async () =>
    (
      await h.gql<{ connectIntegration: { warnings: { code: string; bobFieldId: string | null }[] } }>(
        "mutation($i: ConnectIntegrationInput!) { connectIntegration(input: $i) { warnings { code bobFieldId } } }",
        { i: { accessToken: LIMITED.token, serviceUserId: LIMITED.id } },
      )
    ).connectIntegration.warnings;

  beforeAll(async () => {
    h = await startSyncHarness({ employees: 0, companyId: "override-visibility-co" });
    clearance = h.sim.company.createField({ name: "Clearance", type: "text", categoryId: "category_secret" }).id;
    await h.gql('mutation { createAttribute(input: { name: "Clearance", type: TEXT }) { id } }');
    h.sim.company.createEmployee({
      "root.firstName": "Vera",
      "root.surname": "Visible",
      "root.email": "vera@acme.example",
      [clearance]: "top",
    });
    h.sim.addCredential({
      ...LIMITED,
      scopes: ["Full employee read", "Employee fields read"],
      hiddenCategories: [clearance.split(".")[0] as string],
    });
  }, 60_000);
  afterAll(async () => h?.close());

  it("warns about a synced field the credential cannot see, and not once an admin excluded it", async () => {
    expect((await connectLimited()).filter((w) => w.bobFieldId === clearance)).toEqual([
      { code: "FIELD_NOT_VISIBLE", bobFieldId: clearance },
    ]);
    const excluded = await h.gql<{ setFieldMapping: { status: string } }>(
      "mutation($f: String!) { setFieldMapping(input: { bobFieldId: $f, attributeId: null }) { status } }",
      { f: clearance },
    );
    expect(excluded.setFieldMapping.status).toBe("OVERRIDDEN");
    expect((await connectLimited()).filter((w) => w.bobFieldId === clearance)).toEqual([]);
  });
});

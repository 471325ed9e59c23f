import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startSyncHarness, type SyncHarness } from "../support/sync-harness.js";
import { HOOK_SECRET, settled, signedPost, v2Event } from "../support/webhook-harness.js";

/**
 * Webhook drains reuse the field metadata and named lists the company's last fetch read (for
 * KEPT_METADATA_MS): a storm's drains cost one Bob call each, not three. A value the kept lists
 * cannot name (an item added in Bob since) makes that drain read them again, so nothing is lost.
 */
describe("webhook drains and Bob's metadata", () => {
  let h: SyncHarness;
  let url: string;
  let people: string[];
  const calls = (path: string) => h.sim.requests.count({ path });
  const department = async (bobId: string) =>
    (await h.employee(bobId))?.attributes.find((a) => a.attribute.name === "Department")?.value;

  beforeAll(async () => {
    h = await startSyncHarness({ employees: 0, companyId: "kept-metadata" });
    people = [0, 1, 2].map((i) =>
      h.sim.company.createEmployee({
        "root.firstName": `Kept${i}`,
        "root.surname": `Before${i}`,
        "root.email": `kept${i}@acme.example`,
      }),
    );
    await h.syncAndWait();
    const res = await h.gql<{ setHookSecret: { webhookUrl: string } }>(
      "mutation($s: String!) { setHookSecret(input: { secret: $s }) { webhookUrl } }",
      { s: HOOK_SECRET },
    );
    url = `${h.gw.url}/webhooks/bob/${res.setHookSecret.webhookUrl.split("/").at(-1)}`;
  });
  afterAll(async () => h?.close());

  it("drains right after a sync, and again, with no metadata call: one people search each", async () => {
    h.sim.requests.clear();
    for (const [round, id] of [people[0], people[1]].entries()) {
      h.sim.company.updateEmployee(id as string, { "root.surname": `After${round}` });
      expect((await signedPost(url, v2Event("employee.updated", id as string, { round }))).status).toBe(202);
      const all = await settled(h);
      expect(all.every((d) => d.status === "APPLIED")).toBe(true);
      expect((await h.employee(id as string))?.lastName).toBe(`After${round}`);
    }
    expect(calls("/v1/people/search")).toBe(2);
    expect(calls("/v1/company/people/fields")).toBe(0);
    expect(calls("/v1/company/named-lists")).toBe(0);
  });

  it("reads the named lists again when a value names an item added since, and applies it", async () => {
    const item = h.sim.company.addListItem("department", { name: "Added after the kept read" });
    const target = people[2] as string;
    h.sim.company.updateEmployee(target, { "work.department": item.id });
    h.sim.requests.clear();
    expect((await signedPost(url, v2Event("employee.updated", target, { moved: true }))).status).toBe(202);
    const all = await settled(h);
    const mine = all.find((d) => d.bobEmployeeId === target && d.status !== "IGNORED");
    expect(mine).toMatchObject({ status: "APPLIED", issues: [] });
    expect(await department(target)).toBe("Added after the kept read");
    expect(calls("/v1/company/named-lists")).toBe(1);
    expect(calls("/v1/people/search")).toBe(2); // the drain's first search, then one with the fresh lists
  });
});

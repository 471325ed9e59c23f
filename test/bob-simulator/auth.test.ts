import { describe, expect, it } from "vitest";
import { basicAuth, get, post, search, useSimulators, type Json } from "./helpers.js";

const start = useSimulators();

describe("authentication", () => {
  it("accepts the raw access token, Bearer <token> and the service user as Basic", async () => {
    const sim = await start({ employees: 5 });
    const { accessToken, serviceUser } = sim.credentials;
    for (const auth of [accessToken, `Bearer ${accessToken}`, basicAuth(serviceUser.id, serviceUser.token)]) {
      expect((await post(sim, "/people/search", {}, auth)).status).toBe(200);
      expect((await get(sim, "/company/people/fields", auth)).status).toBe(200);
    }
    expect(sim.requests.count({ credentialKind: "SERVICE_USER" })).toBe(2);
    expect(sim.requests.count({ credentialKind: "ACCESS_TOKEN" })).toBe(4);
  });

  it("answers 401 with Bob's error body for unknown or missing credentials", async () => {
    const sim = await start();
    for (const auth of ["wrong", basicAuth(sim.credentials.serviceUser.id, "wrong"), ""]) {
      const res = await post(sim, "/people/search", {}, auth);
      expect(res.status).toBe(401);
      expect(((await res.json()) as Json)["key"]).toBe("unauthorized");
    }
  });

  it("answers 403 per missing scope", async () => {
    const sim = await start();
    sim.addCredential({ kind: "ACCESS_TOKEN", token: "fields-only", scopes: ["Employee fields read"] });
    sim.addCredential({ kind: "SERVICE_USER", id: "SU-PEOPLE", token: "people-only", scopes: ["Full employee read"] });
    expect((await post(sim, "/people/search", {}, "fields-only")).status).toBe(403);
    expect((await post(sim, "/people/123", {}, "fields-only")).status).toBe(403);
    expect((await get(sim, "/company/people/fields", "fields-only")).status).toBe(200);
    const peopleOnly = basicAuth("SU-PEOPLE", "people-only");
    expect((await post(sim, "/people/search", {}, peopleOnly)).status).toBe(200);
    expect((await get(sim, "/company/people/fields", peopleOnly)).status).toBe(403);
    expect((await get(sim, "/company/named-lists", peopleOnly)).status).toBe(403);
    const body = (await (await get(sim, "/company/named-lists/site", peopleOnly)).json()) as Json;
    expect(body["error"]).toContain("Employee fields read");
  });

  it("silently omits fields of hidden categories", async () => {
    const sim = await start({ employees: 5 });
    sim.addCredential({
      kind: "ACCESS_TOKEN",
      token: "no-personal",
      scopes: ["Full employee read"],
      hiddenCategories: ["personal", "internal"],
    });
    const fields = ["root.id", "root.firstName", "personal.birthDate", "internal.status"];
    const [limited] = await search(sim, { fields }, "no-personal");
    expect(limited).toHaveProperty("firstName");
    expect(limited).not.toHaveProperty("personal");
    expect(limited).not.toHaveProperty("internal");
    const [full] = await search(sim, { fields });
    expect(full!["personal"]).toHaveProperty("birthDate");
  });

  it("models permission groups per credential: people/{id} omits hidden categories too, metadata still lists them, and the group can change", async () => {
    const sim = await start({ employees: 5 });
    const group = (hiddenCategories: string[]) =>
      sim.addCredential({
        kind: "SERVICE_USER",
        id: "SU-GROUP",
        token: "group-token",
        scopes: ["Full employee read", "Employee fields read"],
        hiddenCategories,
      });
    group(["personal"]);
    const auth = basicAuth("SU-GROUP", "group-token");
    const id = sim.company.employees()[0]!.id;
    const one = (await (
      await post(
        sim,
        `/people/${id}`,
        { fields: ["root.id", "root.firstName", "personal.birthDate", "work.startDate"] },
        auth,
      )
    ).json()) as Json;
    const person = (Array.isArray(one["employees"]) ? one["employees"][0] : one) as Json;
    expect(person).toHaveProperty("firstName");
    expect(person["work"]).toHaveProperty("startDate");
    expect(person).not.toHaveProperty("personal");
    const fields = (await (await get(sim, "/company/people/fields", auth)).json()) as Json[];
    expect(fields.map((f) => f["id"])).toContain("personal.birthDate");

    // The admin widens the permission group: the same credential sees the category at once.
    group([]);
    const [wider] = await search(
      sim,
      {
        fields: ["root.id", "personal.birthDate"],
        filters: [{ fieldPath: "root.id", operator: "equals", values: [id] }],
      },
      auth,
    );
    expect(wider).toHaveProperty("personal");
  });
});

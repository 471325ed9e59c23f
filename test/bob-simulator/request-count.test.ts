import { describe, expect, it } from "vitest";
import { basicAuth, control, get, post, useSimulators } from "./helpers.js";

const start = useSimulators();

describe("request log: which credential, and counts without the log", () => {
  it("names the credential of every call (service user id, or the token's last four) and counts by path, credential, status and time", async () => {
    const sim = await start({ employees: 3 });
    sim.addCredential({
      kind: "SERVICE_USER",
      id: "SERVICE-COUNTED",
      token: "counted-token",
      scopes: ["Full employee read", "Employee fields read"],
    });
    const su = basicAuth("SERVICE-COUNTED", "counted-token");

    await post(sim, "/people/search", {}); // the default access token
    await new Promise((r) => setTimeout(r, 5)); // `since` falls strictly after that call's millisecond
    const since = Date.now();
    await post(sim, "/people/search", {}, su);
    await get(sim, "/company/people/fields", su);
    await post(sim, "/people/search", {}, su);
    await post(sim, "/people/search", {}, "not-a-credential");

    const entries = sim.requests.entries;
    expect(entries.map((e) => e.credentialId)).toEqual([
      `token…${sim.credentials.accessToken.slice(-4)}`,
      "SERVICE-COUNTED",
      "SERVICE-COUNTED",
      "SERVICE-COUNTED",
      null,
    ]);
    expect(JSON.stringify(entries)).not.toContain("counted-token");
    expect(sim.requests.count({ credentialId: "SERVICE-COUNTED", path: "/v1/people/search" })).toBe(2);

    const bySu = await control(sim, "GET", "/requests/count?credentialId=SERVICE-COUNTED");
    expect(bySu).toEqual({
      status: 200,
      body: { count: 3, byPath: { "/v1/people/search": 2, "/v1/company/people/fields": 1 } },
    });
    expect((await control(sim, "GET", `/requests/count?path=/v1/people/search&since=${since}`)).body["count"]).toBe(3);
    expect((await control(sim, "GET", "/requests/count?status=401")).body).toEqual({
      count: 1,
      byPath: { "/v1/people/search": 1 },
    });
    expect((await control(sim, "GET", "/requests/count?method=GET")).body["count"]).toBe(1);
    expect((await control(sim, "GET", "/requests/count")).body["count"]).toBe(5);
  });
});

import { afterEach, describe, expect, it } from "vitest";
import { parseCliArgs } from "../../simulator/cli-args.js";
import { fleetMix } from "../../simulator/index.js";
import {
  basicAuth,
  control,
  get,
  post,
  search,
  startReceiver,
  useSimulators,
  type Json,
  type Receiver,
} from "./helpers.js";

const start = useSimulators();
const receivers: Receiver[] = [];
afterEach(async () => {
  await Promise.all(receivers.splice(0).map((r) => r.close()));
});

const ALL = { showInactive: true, fields: ["root.id", "root.companyId"] };

describe("several companies behind one base URL", () => {
  it("each company's credentials see only that company's people", async () => {
    const sim = await start({ employees: 40, companies: [{ employees: 35, seed: 7 }] });
    const c = sim.addCompany({ employees: 50 });
    const [a, b] = [sim.companies[0]!, sim.companies[1]!];
    expect(a.companyId).toBe(sim.company.companyId);
    expect(new Set([a.companyId, b.companyId, c.companyId]).size).toBe(3);

    for (const h of [a, b, c]) {
      const own = new Set(h.control.employees().map((e) => e.id));
      for (const auth of [
        h.credentials.accessToken,
        basicAuth(h.credentials.serviceUser.id, h.credentials.serviceUser.token),
      ]) {
        const people = await search(sim, ALL, auth);
        expect(new Set(people.map((p) => p["id"]))).toEqual(own);
        expect(new Set(people.map((p) => p["companyId"]))).toEqual(new Set([h.companyId]));
      }
    }
    expect(sim.requests.count({ companyId: c.companyId })).toBe(2);
  });

  it("a credential of company A cannot read company B's people", async () => {
    const sim = await start({ employees: 30 });
    const b = sim.addCompany({ employees: 30 });
    const bOnly = b.control.createEmployee({
      "root.firstName": "Only",
      "root.surname": "InB",
      "root.email": "only@b.example",
    });
    for (const id of [bOnly, "only@b.example"]) {
      const res = await post(sim, `/people/${encodeURIComponent(id)}`, {});
      expect(res.status).toBe(404);
    }
    const byId = await search(sim, {
      showInactive: true,
      filters: [{ fieldPath: "root.id", operator: "equals", values: [bOnly] }],
    });
    expect(byId).toEqual([]);
    // The same person reached through B's credential.
    const res = await post(sim, `/people/${bOnly}`, {}, b.credentials.accessToken);
    expect(res.status).toBe(200);
    expect(((await res.json()) as Json)["id"]).toBe(bOnly);
    expect((await search(sim, ALL)).some((p) => p["id"] === bOnly)).toBe(false);
  });

  it("field metadata and named lists are per company", async () => {
    const sim = await start({ employees: 10 });
    const b = sim.addCompany({ employees: 10 });
    const field = b.control.createField({ name: "Only in B", type: "text" });
    b.control.addListItem("site", { name: "Atlantis" });
    const fieldsA = (await (await get(sim, "/company/people/fields")).json()) as Json[];
    const fieldsB = (await (await get(sim, "/company/people/fields", b.credentials.accessToken)).json()) as Json[];
    expect(fieldsA.some((f) => f["id"] === field.id)).toBe(false);
    expect(fieldsB.some((f) => f["id"] === field.id)).toBe(true);
    const siteA = (await (await get(sim, "/company/named-lists/site")).json()) as Json;
    const siteB = (await (await get(sim, "/company/named-lists/site", b.credentials.accessToken)).json()) as Json;
    const names = (l: Json): string[] => (l["items"] as Json[]).map((i) => String(i["name"]));
    expect(names(siteA)).not.toContain("Atlantis");
    expect(names(siteB)).toContain("Atlantis");
  });

  it("the people-search budget is per credential, across companies too", async () => {
    const now = 1_800_000_000_000;
    const sim = await start({ peopleSearchPerMinute: 2, now: () => now });
    const b = sim.addCompany({ employees: 5 });
    for (let i = 0; i < 2; i++) expect((await post(sim, "/people/search", {})).status).toBe(200);
    expect((await post(sim, "/people/search", {})).status).toBe(429);
    expect((await post(sim, "/people/search", {}, b.credentials.accessToken)).status).toBe(200);
    expect((await post(sim, "/people/search", {}, b.credentials.accessToken)).status).toBe(200);
    expect((await post(sim, "/people/search", {}, b.credentials.accessToken)).status).toBe(429);
    const su = b.credentials.serviceUser;
    expect((await post(sim, "/people/search", {}, basicAuth(su.id, su.token))).status).toBe(200);
  });

  it("credentials added for a company read it; unknown companies are refused", async () => {
    const sim = await start({ employees: 5 });
    const b = sim.addCompany({ employees: 8 });
    sim.addCredential({
      kind: "ACCESS_TOKEN",
      token: "b-extra",
      scopes: ["Full employee read"],
      companyId: b.companyId,
    });
    expect(await search(sim, ALL, "b-extra")).toHaveLength(8);
    expect(() => sim.addCredential({ kind: "ACCESS_TOKEN", token: "x", scopes: [], companyId: 1 })).toThrow(
      /not found/,
    );
    const viaControl = await control(sim, "POST", "/credentials", {
      kind: "SERVICE_USER",
      id: "SU-B",
      token: "b-su",
      scopes: ["Full employee read"],
      companyId: b.companyId,
    });
    expect(viaControl.status).toBe(201);
    expect(await search(sim, ALL, basicAuth("SU-B", "b-su"))).toHaveLength(8);
  });

  it("generates a company's people on its first use, not at start-up", async () => {
    const sim = await start({ employees: 5, companies: [{ employees: 500 }, { employees: 300, eager: true }] });
    const [, lazy, eager] = sim.companies;
    expect(lazy!.generated).toBe(false);
    expect(eager!.generated).toBe(true);
    expect(await search(sim, ALL, lazy!.credentials.accessToken)).not.toHaveLength(0);
    expect(lazy!.generated).toBe(true);
    // Deterministic: the same seed and size give the same people, generated now or later.
    const again = await start({ employees: 5, companies: [{ employees: 500, eager: true }] });
    expect(again.companies[1]!.control.employees()).toEqual(lazy!.control.employees());
    expect(again.companies[1]!.credentials).toEqual(lazy!.credentials);
  });

  it("under maxGeneratedPeople drops the least recently read companies and regenerates them alike", async () => {
    const sim = await start({
      maxGeneratedPeople: 100,
      companies: [{ employees: 60 }, { employees: 60 }, { employees: 60 }],
    });
    const [, a, b, c] = sim.companies;
    const first = await search(sim, ALL, a!.credentials.accessToken);
    await search(sim, ALL, b!.credentials.accessToken);
    expect([a!.generated, b!.generated]).toEqual([false, true]);
    expect(await search(sim, ALL, a!.credentials.accessToken)).toEqual(first);
    expect([a!.generated, b!.generated]).toEqual([true, false]);
    // Reached through control, a company is kept: it may have been changed.
    a!.control.updateEmployee(String(first[0]!["id"]), { "root.firstName": "Kept" });
    await search(sim, ALL, c!.credentials.accessToken);
    expect([a!.generated, c!.generated]).toEqual([true, true]);
    const kept = await search(sim, { fields: ["root.firstName"], showInactive: true }, a!.credentials.accessToken);
    expect(kept.map((p) => p["firstName"])).toContain("Kept");
  });

  it("CLI: --fleet N hosts the fleet mix, --max-generated-people sets the budget", () => {
    const opts = parseCliArgs(["--fleet", "50", "--max-generated-people", "1000", "--seed", "3"]);
    expect(opts.companies).toEqual(fleetMix({ companies: 50, seed: 3 }));
    expect(opts.maxGeneratedPeople).toBe(1000);
  });

  it("gives every company a distinct id and credentials, and refuses clashes", async () => {
    const sim = await start();
    const same = [sim.addCompany({ seed: 42 }), sim.addCompany({ seed: 42 })];
    expect(same[0]!.companyId).not.toBe(same[1]!.companyId);
    expect(same[0]!.credentials.accessToken).not.toBe(same[1]!.credentials.accessToken);
    expect(() => sim.addCompany({ companyId: same[0]!.companyId })).toThrow(/exists/);
    expect(() => sim.addCompany({ accessToken: sim.credentials.accessToken })).toThrow(/credentials/);
    expect(() => sim.addCompany({ employees: -1 })).toThrow(/employees/);
  });

  it("sends each company's webhooks to its own subscribers with its company id", async () => {
    const sim = await start({ employees: 5 });
    const b = sim.addCompany({ employees: 5 });
    const [ra, rb] = [await startReceiver(), await startReceiver()];
    receivers.push(ra, rb);
    sim.webhooks.subscribe({ url: ra.url, secret: "a" });
    b.webhooks.subscribe({ url: rb.url, secret: "b" });
    b.control.createEmployee({ "root.firstName": "Bea", "root.surname": "B", "root.email": "bea@b.example" });
    await b.webhooks.idle();
    await sim.webhooks.idle();
    expect(ra.received).toHaveLength(0);
    expect(rb.received.length).toBeGreaterThan(0);
    for (const m of rb.received) expect((JSON.parse(m.body) as Json)["companyId"]).toBe(b.companyId);
  });

  it("control API: list and add companies, drive one under /companies/:id", async () => {
    const sim = await start({ employees: 5 });
    const added = await control(sim, "POST", "/companies", { employees: 12, seed: 9 });
    expect(added.status).toBe(201);
    const id = added.body["companyId"] as number;
    const token = (added.body["credentials"] as Json)["accessToken"] as string;
    expect(added.body["generated"]).toBe(false);
    const list = await control(sim, "GET", "/companies");
    expect((list.body as unknown as Json[]).map((c) => c["companyId"])).toEqual([sim.company.companyId, id]);

    const info = await control(sim, "GET", `/companies/${id}/info`);
    expect(info.body).toMatchObject({ companyId: id, generated: false, baseUrl: sim.baseUrl });
    expect((await control(sim, "GET", `/companies/${id}/employees`)).body).toHaveLength(12);
    const created = await control(sim, "POST", `/companies/${id}/employees`, {
      values: { "root.firstName": "Cy", "root.surname": "C", "root.email": "cy@c.example" },
    });
    expect(created.status).toBe(201);
    expect(await search(sim, ALL, token)).toHaveLength(13);
    expect(await search(sim, ALL)).toHaveLength(5);
    // Faults and the request log are the server's, not a company's.
    expect((await control(sim, "GET", `/companies/${id}/faults`)).status).toBe(404);
    expect((await control(sim, "GET", "/companies/1/employees")).status).toBe(404);
    expect((await control(sim, "GET", `/requests/count?companyId=${id}`)).body["count"]).toBe(1);
    expect((await control(sim, "POST", "/companies", { employees: -3 })).status).toBe(400);
  });

  it("starts a 2,000-company fleet (about 400,000 people) without generating it", async () => {
    const mix = fleetMix();
    const sizes = mix.map((c) => c.employees);
    expect(mix).toHaveLength(2000);
    expect(sizes.filter((n) => n === 20_000)).toHaveLength(2);
    expect(sizes.filter((n) => n === 2000)).toHaveLength(20);
    expect(Math.min(...sizes)).toBeGreaterThanOrEqual(20);
    const total = sizes.reduce((a, b) => a + b, 0);
    expect(total).toBeGreaterThan(350_000);
    expect(total).toBeLessThan(450_000);
    const t0 = performance.now();
    const sim = await start({ companies: mix });
    expect(performance.now() - t0).toBeLessThan(5000);
    expect(sim.companies).toHaveLength(2001);
    expect(new Set(sim.companies.map((c) => c.companyId)).size).toBe(2001);
    expect(sim.companies.slice(1).some((c) => c.generated)).toBe(false);
    const small = sim.companies[mix.findIndex((c) => c.employees < 300) + 1]!;
    expect(await search(sim, ALL, small.credentials.accessToken)).not.toHaveLength(0);
    expect(sim.companies.filter((c) => c.generated)).toHaveLength(2);
  });
});

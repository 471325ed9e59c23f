import { createServer } from "node:net";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { BobHttpClient, type BobHttpClientOptions } from "../../src/bob/bob-client.js";
import { startBobSimulator, type BobSimulator } from "../../simulator/index.js";
import {
  BobBadResponseError,
  BobInvalidCredentialsError,
  BobMissingScopeError,
  BobUnavailableError,
} from "../../src/domain/errors.js";
import type { BobCredential, BobPerson } from "../../src/domain/ports/bob-api.js";

let sim: BobSimulator;
let token: BobCredential;

beforeAll(async () => {
  sim = await startBobSimulator({ port: 0, seed: 1, employees: 20 });
  token = { kind: "ACCESS_TOKEN", token: sim.credentials.accessToken };
});
afterEach(() => {
  sim.faults.reset();
  sim.requests.clear();
});
afterAll(async () => {
  await sim.close();
});

/** Fast retries and short timeouts so fault tests take milliseconds, not minutes. */
const client = (extra: Partial<BobHttpClientOptions> = {}) =>
  new BobHttpClient({
    baseUrl: sim.baseUrl,
    baseDelayMs: 10,
    maxDelayMs: 50,
    requestTimeoutMs: 2_000,
    deadlineMs: 8_000,
    ...extra,
  });

const failure = (p: Promise<unknown>) =>
  p.then(
    () => null,
    (e: unknown) => e as Error,
  );
const byId = (people: readonly BobPerson[]) => new Map(people.map((p) => [p.id, Object.fromEntries(p.values)]));

const FIELDS = [
  "root.id",
  "root.firstName",
  "root.surname",
  "root.email",
  "work.department",
  "work.reportsTo",
  "work.startDate",
  "internal.lifecycleStatus",
];

describe("auth styles and scopes", () => {
  it("works with a legacy access token (raw Authorization header)", async () => {
    await client().verifyAccess(token);
    expect(sim.requests.count({ credentialKind: "ACCESS_TOKEN" })).toBe(2);
    const result = await client().searchPeople(token, { fieldIds: FIELDS, showInactive: true });
    expect(result.problems).toEqual([]);
    expect(result.people.length).toBeGreaterThanOrEqual(20);
    for (const p of result.people) {
      expect(p.values.get("root.id")).toBe(p.id);
      expect(typeof p.values.get("root.firstName")).toBe("string");
    }
  });

  it("works with a service user (HTTP Basic)", async () => {
    const su: BobCredential = {
      kind: "SERVICE_USER",
      serviceUserId: sim.credentials.serviceUser.id,
      token: sim.credentials.serviceUser.token,
    };
    await client().verifyAccess(su);
    expect(sim.requests.count({ credentialKind: "SERVICE_USER" })).toBe(2);
    expect((await client().fetchFields(su)).length).toBeGreaterThan(10);
  });

  it.each([
    ["Full employee read", ["Employee fields read"]],
    ["Employee fields read", ["Full employee read"]],
  ] as const)("names the missing scope %s, without retrying the 403", async (missing, scopes) => {
    const scoped = `scoped-${missing.replace(/\s/g, "-")}-0123456789`;
    sim.addCredential({ kind: "ACCESS_TOKEN", token: scoped, scopes: [...scopes] });
    const error = await failure(client().verifyAccess({ kind: "ACCESS_TOKEN", token: scoped }));
    expect(error).toBeInstanceOf(BobMissingScopeError);
    expect((error as BobMissingScopeError).scope).toBe(missing);
    expect(sim.requests.count({ status: 403 })).toBe(1);
  });

  it("rejects an unknown token after exactly one request (401 is never retried)", async () => {
    const error = await failure(client().verifyAccess({ kind: "ACCESS_TOKEN", token: "no-such-token-0000000000" }));
    expect(error).toBeInstanceOf(BobInvalidCredentialsError);
    expect(error?.message).not.toContain("no-such-token");
    expect(sim.requests.count()).toBe(1);
  });

  it("rejects an unknown service user after one request", async () => {
    const error = await failure(
      client().fetchFields({ kind: "SERVICE_USER", serviceUserId: "SERVICE-NOPE", token: "nope" }),
    );
    expect(error).toBeInstanceOf(BobInvalidCredentialsError);
    expect(sim.requests.count()).toBe(1);
  });
});

describe("reading data", () => {
  it("reads the same values from nested, flat and mixed answers", async () => {
    const nested = byId((await client().searchPeople(token, { fieldIds: FIELDS, showInactive: true })).people);
    for (const responseStyle of ["flat", "both"] as const) {
      sim.faults.set({ responseStyle });
      const other = byId((await client().searchPeople(token, { fieldIds: FIELDS, showInactive: true })).people);
      expect(other).toEqual(nested);
    }
    const someone = [...nested.values()].find((v) => v["work.reportsTo"] !== null);
    expect(someone?.["work.reportsTo"]).toMatchObject({ id: expect.any(String) });
  });

  it("restricts to employeeIds with one root.id filter", async () => {
    const all = (await client().searchPeople(token, { fieldIds: ["root.id"], showInactive: true })).people.map(
      (p) => p.id,
    );
    const wanted = all.slice(0, 3);
    const c = client({ maxIdsPerSearch: 2 });
    sim.requests.clear();
    const some = await c.searchPeople(token, {
      fieldIds: ["root.id", "root.firstName"],
      showInactive: true,
      employeeIds: [...wanted, "no-such-id"],
    });
    expect(some.people.map((p) => p.id).sort()).toEqual([...wanted].sort());
    expect(sim.requests.count({ path: "/v1/people/search" })).toBe(2);
  });

  it("splits more than 400 field ids over several calls and merges per employee", async () => {
    const fields = await client().fetchFields(token);
    const real = fields.map((f) => f.id);
    // Unknown ids are silently omitted by Bob, so padding forces a split without changing values.
    const padded = [...real, ...Array.from({ length: 450 }, (_, i) => `category_0.field_${i}`)];
    const single = byId(
      (await client().searchPeople(token, { fieldIds: real.slice(0, 399), showInactive: true })).people,
    );
    sim.requests.clear();
    const split = await client().searchPeople(token, { fieldIds: padded, showInactive: true });
    const calls = sim.requests.count({ path: "/v1/people/search" });
    expect(calls).toBe(Math.ceil((padded.length - 1) / 399));
    expect(calls).toBeGreaterThanOrEqual(2);
    expect(split.problems).toEqual([]);
    const merged = byId(split.people);
    expect([...merged.keys()].sort()).toEqual([...single.keys()].sort());
    for (const [id, values] of single) expect(merged.get(id)).toMatchObject(values);
  });

  it("reads field metadata and named lists in both list shapes", async () => {
    const fields = await client().fetchFields(token);
    const department = fields.find((f) => f.id === "work.department");
    expect(department).toMatchObject({
      type: expect.stringMatching(/list/),
      categoryId: "work",
      listId: expect.any(String),
    });
    const asObject = await client().fetchNamedLists(token);
    sim.faults.set({ namedListsStyle: "array" });
    const asArray = await client().fetchNamedLists(token);
    expect(asArray).toEqual(asObject);
    const list = asObject.find((l) => l.name === department?.listId);
    expect(list?.items.length).toBeGreaterThan(0);
    for (const item of list?.items ?? []) expect(typeof item.id).toBe("string");
  });
});

describe("failures", () => {
  it("retries a 500, then succeeds", async () => {
    sim.faults.set({ fail5xxNext: 1 });
    await client().verifyAccess(token);
    expect(sim.requests.count({ status: 500 })).toBe(1);
    expect(sim.requests.count()).toBe(3);
  });

  it("gives up on a Bob that keeps failing with a plain message", async () => {
    sim.faults.set({ fail5xxNext: 100 });
    const error = await failure(client({ maxRetries: 2 }).fetchFields(token));
    expect(error).toBeInstanceOf(BobUnavailableError);
    expect(error?.message).toMatch(/^Bob answered 50\d after 3 attempts\.$/);
    expect(sim.requests.count()).toBe(3);
  });

  it.each(["retry-after", "reset-only", "none"] as const)(
    "honours a 429 (%s), then succeeds",
    async (retryAfterStyle) => {
      sim.faults.set({ burst429Next: 1, retryAfterStyle });
      const started = Date.now();
      const result = await client().searchPeople(token, { fieldIds: ["root.id"], showInactive: true });
      expect(result.people.length).toBeGreaterThan(0);
      expect(sim.requests.count({ status: 429 })).toBe(1);
      expect(sim.requests.count()).toBe(2);
      // Retry-After: 1 s; Reset: the next whole second (or the one after); none: backoff only.
      if (retryAfterStyle === "retry-after") expect(Date.now() - started).toBeGreaterThanOrEqual(950);
    },
  );

  it("answers BobUnavailableError within the deadline when Bob hangs", async () => {
    sim.faults.set({ hangNext: 100 });
    const started = Date.now();
    const error = await failure(client({ requestTimeoutMs: 700, deadlineMs: 1_500 }).verifyAccess(token));
    const took = Date.now() - started;
    expect(error).toBeInstanceOf(BobUnavailableError);
    expect(error?.message).toMatch(/did not answer within/);
    expect(took).toBeLessThan(2_500);
    expect(sim.requests.count()).toBeGreaterThanOrEqual(2);
  });

  it("recovers from one hang by timing out and retrying", async () => {
    sim.faults.set({ hangNext: 1 });
    expect((await client({ requestTimeoutMs: 300 }).fetchFields(token)).length).toBeGreaterThan(0);
    expect(sim.requests.count()).toBe(2);
  });

  it("reports a Bob that drops connections", async () => {
    sim.faults.set({ refuseConnections: true });
    const error = await failure(client({ maxRetries: 1 }).fetchFields(token));
    expect(error).toBeInstanceOf(BobUnavailableError);
    expect(error?.message).toBe("Bob closed the connection without answering after 2 attempts.");
  });

  it("reports a refused connection (nothing listening)", async () => {
    const closed = createServer();
    await new Promise<void>((r) => closed.listen(0, "127.0.0.1", () => r()));
    const port = (closed.address() as { port: number }).port;
    await new Promise<void>((r) => closed.close(() => r()));
    const error = await failure(
      new BobHttpClient({ baseUrl: `http://127.0.0.1:${port}/v1`, baseDelayMs: 5, maxDelayMs: 10 }).verifyAccess(token),
    );
    expect(error).toBeInstanceOf(BobUnavailableError);
    expect(error?.message).toBe("Bob refused the connection after 5 attempts.");
  });

  it.each([
    ["malformedNext", "not valid JSON"],
    ["truncatedNext", "not valid JSON"],
  ] as const)("retries a broken body (%s), and reports BobBadResponseError when it persists", async (knob, reason) => {
    sim.faults.set({ [knob]: 1 });
    const once = await client().searchPeople(token, { fieldIds: ["root.id"], showInactive: true });
    expect(once.people.length).toBeGreaterThan(0);
    expect(sim.requests.count()).toBe(2);

    sim.faults.set({ [knob]: 100 });
    const error = await failure(
      client({ maxRetries: 2 }).searchPeople(token, { fieldIds: ["root.id"], showInactive: true }),
    );
    expect(error).toBeInstanceOf(BobBadResponseError);
    expect(error?.message).toContain(reason);
  });

  it("maps each person as it arrives, and a retried answer starts over: nothing from the broken attempt is kept", async () => {
    const request = { fieldIds: FIELDS, showInactive: true };
    const clean = await client().searchPeople(token, request);
    sim.faults.set({ truncatedNext: 1 });
    let mapped = 0;
    const result = await client().searchPeopleMapped(token, request, (person) => {
      mapped++;
      return `${person.id}:${String(person.values.get("root.surname"))}`;
    });
    expect(sim.requests.count()).toBe(3); // the clean search, the truncated one, the retry
    expect(result.problems).toEqual([]);
    expect(result.people).toEqual(clean.people.map((p) => `${p.id}:${String(p.values.get("root.surname"))}`));
    // The truncated answer's complete records were mapped too, then dropped with it.
    expect(mapped).toBeGreaterThan(clean.people.length);
  });

  it("waits for its own budget rather than provoking 429s, and fails fast when the deadline forbids waiting", async () => {
    const tight = await startBobSimulator({ port: 0, seed: 2, employees: 2, peopleSearchPerMinute: 3 });
    try {
      const cred: BobCredential = { kind: "ACCESS_TOKEN", token: tight.credentials.accessToken };
      const c = new BobHttpClient({
        baseUrl: tight.baseUrl,
        limits: { peopleSearchPerMinute: 3 },
        deadlineMs: 1_000,
        maxQueueWaitMs: 1_000,
      });
      for (let i = 0; i < 3; i++) await c.searchPeople(cred, { fieldIds: ["root.id"], showInactive: false });
      const error = await failure(c.searchPeople(cred, { fieldIds: ["root.id"], showInactive: false }));
      expect(error).toBeInstanceOf(BobUnavailableError);
      expect(error?.message).toContain("rate limit");
      expect(tight.requests.count({ status: 429 })).toBe(0);
      expect(tight.requests.count()).toBe(3);

      // A client with a looser idea of the budget meets Bob's 429 and does not hammer it.
      const loose = new BobHttpClient({ baseUrl: tight.baseUrl, deadlineMs: 5_000 });
      const error429 = await failure(loose.searchPeople(cred, { fieldIds: ["root.id"], showInactive: false }));
      expect(error429?.message).toMatch(/rate limiting this credential \(429\); it asks to wait \d+ s/);
      expect(tight.requests.count({ status: 429 })).toBe(1);
    } finally {
      await tight.close();
    }
  });
});

describe("metadata answers kept parsed", () => {
  it("gives what Bob says now: the same answer is not parsed again, a changed one is, a broken one is never kept", async () => {
    const c = client();
    const first = await c.fetchFields(token);
    const again = await c.fetchFields(token);
    // The same text parses to the same value: the value parsed the first time is given again.
    expect(again).toBe(first);
    const lists = await c.fetchNamedLists(token);
    expect(await c.fetchNamedLists(token)).toBe(lists);

    const field = sim.company.createField({ name: "Kept-parse probe", type: "text" });
    const changed = await c.fetchFields(token);
    expect(changed).not.toBe(first);
    expect(changed.map((f) => f.id)).toContain(field.id);
    expect(changed.length).toBe(first.length + 1);

    sim.company.addListItem("department", { name: "Kept-parse department" });
    const newLists = await c.fetchNamedLists(token);
    expect(newLists).not.toBe(lists);
    expect(JSON.stringify(newLists)).toContain("Kept-parse department");

    // A malformed answer is retried, and the good answer after it is what the caller gets.
    sim.requests.clear();
    sim.faults.set({ malformedNext: 1 });
    expect(await c.fetchFields(token)).toBe(changed);
    expect(sim.requests.count({ path: "/v1/company/people/fields" })).toBe(2);

    // Another credential's answer is kept apart, even when the text is the same.
    const su: BobCredential = {
      kind: "SERVICE_USER",
      serviceUserId: sim.credentials.serviceUser.id,
      token: sim.credentials.serviceUser.token,
    };
    const other = await c.fetchFields(su);
    expect(other).not.toBe(changed);
    expect(other).toEqual(await c.fetchFields(token));
    sim.company.deleteField(field.id);
  });
});

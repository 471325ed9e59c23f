import { describe, expect, it } from "vitest";
import { BobHttpClient, type BobRequestEvent } from "../../src/bob/bob-client.js";
import { Writable } from "node:stream";
import { BobRateLimiter } from "../../src/bob/rate-limiter.js";
import { createLogger } from "../../src/logger.js";
import {
  BobBadResponseError,
  BobInvalidCredentialsError,
  BobMissingScopeError,
  BobUnavailableError,
} from "../../src/domain/errors.js";
import type { BobCredential } from "../../src/domain/ports/bob-api.js";

/** Scripted Bob: each call takes the next answer (the last one repeats). */
function scripted(
  answers: ((req: { url: string; init: RequestInit; body: Record<string, unknown> | undefined }) => Response)[],
) {
  const calls: { url: string; init: RequestInit; body: Record<string, unknown> | undefined }[] = [];
  const fetchImpl = async (url: string, init: RequestInit): Promise<Response> => {
    const req = {
      url,
      init,
      body: typeof init.body === "string" ? (JSON.parse(init.body) as Record<string, unknown>) : undefined,
    };
    calls.push(req);
    const answer = answers[Math.min(calls.length - 1, answers.length - 1)] as (typeof answers)[number];
    return answer(req);
  };
  return { calls, fetchImpl };
}

const json =
  (body: unknown, status = 200, headers: Record<string, string> = {}) =>
  () =>
    new Response(JSON.stringify(body), { status, headers: { "content-type": "application/json", ...headers } });
const TOKEN: BobCredential = { kind: "ACCESS_TOKEN", token: "secret-token-abcdef" };
const SU: BobCredential = { kind: "SERVICE_USER", serviceUserId: "SERVICE-1", token: "su-secret" };

function client(
  fetchImpl: ReturnType<typeof scripted>["fetchImpl"],
  extra: Partial<ConstructorParameters<typeof BobHttpClient>[0]> = {},
) {
  return new BobHttpClient({
    baseUrl: "http://bob.test/v1/",
    fetch: fetchImpl,
    baseDelayMs: 1,
    maxDelayMs: 5,
    maxRetries: 3,
    ...extra,
  });
}

describe("BobHttpClient (scripted fetch)", () => {
  it("sends both auth styles", async () => {
    const bob = scripted([json([])]);
    await client(bob.fetchImpl).fetchFields(TOKEN);
    await client(bob.fetchImpl).fetchFields(SU);
    const auth = bob.calls.map((c) => (c.init.headers as Record<string, string>)["Authorization"]);
    expect(auth).toEqual(["secret-token-abcdef", `Basic ${Buffer.from("SERVICE-1:su-secret").toString("base64")}`]);
    expect(bob.calls[0]?.url).toBe("http://bob.test/v1/company/people/fields");
  });

  it("verifyAccess: probe search then fields; 401 is final after one request", async () => {
    const ok = scripted([json({ employees: [] }), json([])]);
    await client(ok.fetchImpl).verifyAccess(TOKEN);
    expect(ok.calls.map((c) => c.url)).toEqual([
      "http://bob.test/v1/people/search",
      "http://bob.test/v1/company/people/fields",
    ]);
    expect(ok.calls[0]?.body).toEqual({
      fields: ["root.id"],
      showInactive: false,
      filters: [{ fieldPath: "root.id", operator: "equals", values: ["0"] }],
    });

    const denied = scripted([json({ key: "unauthorized", error: "Bad token secret-token-abcdef" }, 401)]);
    await expect(client(denied.fetchImpl).verifyAccess(TOKEN)).rejects.toBeInstanceOf(BobInvalidCredentialsError);
    expect(denied.calls).toHaveLength(1);
  });

  it("maps 403 to the endpoint's scope, never retried", async () => {
    const search403 = scripted([json({ error: "Forbidden" }, 403)]);
    const e1 = await client(search403.fetchImpl)
      .verifyAccess(TOKEN)
      .catch((e: unknown) => e);
    expect(e1).toBeInstanceOf(BobMissingScopeError);
    expect((e1 as BobMissingScopeError).scope).toBe("Full employee read");
    expect(search403.calls).toHaveLength(1);

    const fields403 = scripted([json({ employees: [] }), json({ error: "Forbidden" }, 403)]);
    const e2 = await client(fields403.fetchImpl)
      .verifyAccess(TOKEN)
      .catch((e: unknown) => e);
    expect((e2 as BobMissingScopeError).scope).toBe("Employee fields read");
    expect(fields403.calls).toHaveLength(2);
  });

  it("retries 5xx a bounded number of times, then says so plainly", async () => {
    const events: BobRequestEvent[] = [];
    const bob = scripted([json({}, 503)]);
    const error = await client(bob.fetchImpl, { onRequest: (e) => events.push(e) })
      .fetchFields(TOKEN)
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(BobUnavailableError);
    expect((error as Error).message).toBe("Bob answered 503 after 4 attempts.");
    expect(bob.calls).toHaveLength(4);
    expect(events.map((e) => [e.endpoint, e.status, e.attempt])).toEqual(
      [1, 2, 3, 4].map((n) => ["company.fields", 503, n]),
    );
  });

  it("retries a bad body, then throws BobBadResponseError; recovers if the next body is good", async () => {
    const bad = scripted([() => new Response("{not json", { status: 200 })]);
    const error = await client(bad.fetchImpl)
      .searchPeople(TOKEN, { fieldIds: ["root.id"], showInactive: true })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(BobBadResponseError);
    expect((error as Error).message).toContain("not valid JSON");
    expect(bad.calls).toHaveLength(4);

    const recovering = scripted([json({ people: [] }), json({ employees: [{ id: "1" }] })]);
    const result = await client(recovering.fetchImpl).searchPeople(TOKEN, {
      fieldIds: ["root.id"],
      showInactive: true,
    });
    expect(result.people.map((p) => p.id)).toEqual(["1"]);
  });

  it("other 4xx are final and carry Bob's message without secrets", async () => {
    const bob = scripted([json({ key: "bad", error: "filter invalid for secret-token-abcdef" }, 400)]);
    const error = await client(bob.fetchImpl)
      .fetchNamedLists(TOKEN)
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(BobUnavailableError);
    expect((error as Error).message).toContain("(400): filter invalid for [redacted]");
    expect(bob.calls).toHaveLength(1);
  });

  it("honours Retry-After on 429", async () => {
    const bob = scripted([json({}, 429, { "Retry-After": "1" }), json([])]);
    const started = Date.now();
    await client(bob.fetchImpl).fetchFields(TOKEN);
    expect(Date.now() - started).toBeGreaterThanOrEqual(950);
    expect(bob.calls).toHaveLength(2);
  });

  it("gives up at once when Bob's Retry-After is beyond the deadline", async () => {
    const bob = scripted([json({}, 429, { "Retry-After": "120" })]);
    const error = await client(bob.fetchImpl, { deadlineMs: 5_000 })
      .fetchFields(TOKEN)
      .catch((e: unknown) => e);
    expect((error as Error).message).toBe("Bob is rate limiting this credential (429); it asks to wait 120 s.");
    expect(bob.calls).toHaveLength(1);
  });

  it("splits >400 fields, merges per employee, reports people missing from a chunk", async () => {
    const fieldIds = ["root.id", "root.firstName", ...Array.from({ length: 500 }, (_, i) => `category_1.field_${i}`)];
    const bob = scripted([
      (req) => {
        const fields = req.body?.["fields"] as string[];
        const employees = ["1", "2", "3"]
          .filter((id) => !(id === "3" && fields.includes("category_1.field_499")))
          .map((id) => ({
            id,
            firstName: `n${id}`,
            category_1: Object.fromEntries(
              fields.filter((f) => f.startsWith("category_1.")).map((f) => [f.slice(11), `${id}:${f}`]),
            ),
          }));
        return json({ employees })();
      },
    ]);
    const result = await client(bob.fetchImpl).searchPeople(TOKEN, { fieldIds, showInactive: true });
    expect(bob.calls.map((c) => (c.body?.["fields"] as string[]).length)).toEqual([400, 103]);
    for (const c of bob.calls) expect((c.body?.["fields"] as string[])[0]).toBe("root.id");
    expect(bob.calls[0]?.body).not.toHaveProperty("humanReadable");
    expect(result.people.map((p) => p.id)).toEqual(["1", "2"]);
    const first = result.people[0];
    expect(first?.values.size).toBe(502);
    expect(first?.values.get("category_1.field_499")).toBe("1:category_1.field_499");
    expect(first?.values.get("root.firstName")).toBe("n1");
    expect(result.problems).toEqual([{ bobEmployeeId: "3", message: expect.stringContaining("only some") }]);
  });

  it("turns employeeIds into one root.id filter, chunked, and skips the call for an empty list", async () => {
    const bob = scripted([
      (req) =>
        json({
          employees: ((req.body?.["filters"] as { values: string[] }[])[0]?.values ?? []).map((id) => ({ id })),
        })(),
    ]);
    const c = client(bob.fetchImpl, { maxIdsPerSearch: 2 });
    const result = await c.searchPeople(TOKEN, {
      fieldIds: ["root.id"],
      showInactive: false,
      employeeIds: ["a", "b", "c"],
    });
    expect(result.people.map((p) => p.id)).toEqual(["a", "b", "c"]);
    expect(bob.calls.map((x) => x.body?.["filters"])).toEqual([
      [{ fieldPath: "root.id", operator: "equals", values: ["a", "b"] }],
      [{ fieldPath: "root.id", operator: "equals", values: ["c"] }],
    ]);
    expect(await c.searchPeople(TOKEN, { fieldIds: ["root.id"], showInactive: false, employeeIds: [] })).toEqual({
      people: [],
      problems: [],
    });
    expect(bob.calls).toHaveLength(2);
  });

  it("keeps good records when one is malformed", async () => {
    const bob = scripted([json({ employees: [{ id: "1", firstName: "A" }, 7, { id: "2", work: [] }, { id: "3" }] })]);
    const result = await client(bob.fetchImpl).searchPeople(TOKEN, {
      fieldIds: ["root.firstName", "work.title"],
      showInactive: true,
    });
    expect(result.people.map((p) => [p.id, Object.fromEntries(p.values)])).toEqual([
      ["1", { "root.firstName": "A" }],
      ["3", {}],
    ]);
    expect(result.problems.map((p) => p.bobEmployeeId)).toEqual([null, "2"]);
  });

  it("shares one limiter budget across clients for the same credential", async () => {
    const limiter = new BobRateLimiter();
    const bob = scripted([(req) => (req.url.endsWith("/people/search") ? json({ employees: [] })() : json([])())]);
    const a = client(bob.fetchImpl, { rateLimiter: limiter, limits: { otherPerMinute: 2 }, deadlineMs: 200 });
    const b = client(bob.fetchImpl, { rateLimiter: limiter, limits: { otherPerMinute: 2 }, deadlineMs: 200 });
    await a.fetchFields(TOKEN);
    await b.fetchFields(TOKEN);
    // verifyAccess has a shared deadline, so a used-up budget fails fast instead of waiting a minute.
    await expect(b.verifyAccess(SU)).resolves.toBeUndefined();
    const error = await a.verifyAccess(TOKEN).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(BobUnavailableError);
    expect((error as Error).message).toContain("rate limit");
  });

  it("never logs or reports the token", async () => {
    const lines: string[] = [];
    const logger = {
      debug: (o: object, m: string) => lines.push(JSON.stringify(o) + m),
      warn: (o: object, m: string) => lines.push(JSON.stringify(o) + m),
    };
    const bob = scripted([json({ error: "secret-token-abcdef" }, 500), json({ error: "su-secret" }, 401)]);
    await client(bob.fetchImpl, { logger })
      .fetchFields(TOKEN)
      .catch(() => undefined);
    expect(lines.length).toBeGreaterThan(0);
    expect(lines.join("\n")).not.toMatch(/secret-token|su-secret/);
  });

  it("takes the gateway's pino logger; its lines carry no secret", async () => {
    const lines: string[] = [];
    const sink = new Writable({ write: (chunk: Buffer, _e, done) => (lines.push(chunk.toString()), done()) });
    const bob = scripted([json({}, 502), json([{ id: "root.id" }])]);
    await client(bob.fetchImpl, { logger: createLogger("debug", sink) }).fetchFields(SU);
    expect(lines.some((l) => l.includes("retrying"))).toBe(true);
    expect(lines.some((l) => l.includes("malformed"))).toBe(true);
    expect(lines.join("")).not.toMatch(/su-secret|SERVICE-1|Basic /);
  });

  it("treats a body cut off mid-stream as a bad answer (retried), but a cut-off 401 as a 401", async () => {
    const cut = (status: number) => () =>
      new Response(
        new ReadableStream({
          start(controller) {
            controller.enqueue(new TextEncoder().encode('{"employees":['));
            controller.error(new Error("socket closed"));
          },
        }),
        { status },
      );
    const bob = scripted([cut(200)]);
    const error = await client(bob.fetchImpl, { maxRetries: 1 })
      .searchPeople(TOKEN, { fieldIds: [], showInactive: true })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(BobBadResponseError);
    expect((error as Error).message).toBe("Bob's answer to the people search request was cut off after 2 attempts.");
    const denied = scripted([cut(401)]);
    await expect(client(denied.fetchImpl).fetchFields(TOKEN)).rejects.toBeInstanceOf(BobInvalidCredentialsError);
    expect(denied.calls).toHaveLength(1);
  });

  it("rejects a token with characters no Bob token has, without a request", async () => {
    const bob = scripted([json([])]);
    await expect(
      client(bob.fetchImpl).fetchFields({ kind: "ACCESS_TOKEN", token: "tok\u00e9n" }),
    ).rejects.toBeInstanceOf(BobInvalidCredentialsError);
    expect(bob.calls).toHaveLength(0);
  });
});

import { beforeAll, describe, expect, it } from "vitest";
import { INTERNAL_MESSAGE } from "../../src/graphql/errors.js";
import {
  MAX_OPERATIONS_PER_SOCKET,
  MAX_SOCKETS_PER_CALLER,
  SOCKETS_PER_CALLER_CLOSE_CODE,
  WS_MAX_PAYLOAD_BYTES,
} from "../../src/graphql/ws-endpoint.js";
import { encodeCursor } from "../../src/persistence/cursor.js";
import { RawSocket, type WsMessage } from "../support/raw-socket.js";
import { startTestGateway, type TestGateway } from "../support/test-gateway.js";

/**
 * README, "Limits", WebSocket: 64 KiB messages (1009 past them, before authentication),
 * sockets per caller and operations per socket capped, a socket closed with 4401 at its token's
 * exp, errors masked and logged as over HTTP; a subscription POSTed over HTTP is a 400.
 * Probes of issue 23 against a real gateway.
 */
const PROGRESS = "subscription { syncProgress { runId status } }";
const COMPANY = "ws-co";

describe("WebSocket limits", () => {
  let gw: TestGateway;
  let admin: string;
  const sockets: RawSocket[] = [];
  const socket = (): RawSocket => {
    const s = new RawSocket(gw.url);
    sockets.push(s);
    return s;
  };
  beforeAll(async () => {
    gw = await startTestGateway();
    await gw.gql("mutation { enableIntegration { status } }", {}, await gw.token(COMPANY, "SUPPORT"));
    admin = await gw.token(COMPANY);
    return () => {
      for (const s of sockets) s.close();
    };
  });

  it(`closes with 1009 a ${WS_MAX_PAYLOAD_BYTES / 1024} KiB + message, even before authentication (a 100 KiB connection_init)`, async () => {
    const s = socket();
    const payload = { authorization: `Bearer ${admin}`, padding: "x".repeat(100 * 1024) };
    await s.send({ type: "connection_init", payload });
    expect((await s.closed).code).toBe(1009);
    // A message of just under the limit is read (and then this socket works).
    const fits = socket();
    await fits.send({
      type: "connection_init",
      payload: { authorization: `Bearer ${admin}`, padding: "x".repeat(WS_MAX_PAYLOAD_BYTES - 2048) },
    });
    await fits.next((m) => m.type === "connection_ack", "connection_ack");
  });

  it(`refuses socket ${MAX_SOCKETS_PER_CALLER + 1} of one caller with ${SOCKETS_PER_CALLER_CLOSE_CODE}; another subject of the company, or a freed place, gets in`, async () => {
    const token = await gw.token(COMPANY, "ADMIN", { subject: "many-sockets" });
    const held = Array.from({ length: MAX_SOCKETS_PER_CALLER }, () => socket());
    await Promise.all(held.map((s) => s.init(token)));
    const extra = socket();
    await extra.send({ type: "connection_init", payload: { authorization: `Bearer ${token}` } });
    const refused = await extra.closed;
    expect(refused.code).toBe(SOCKETS_PER_CALLER_CLOSE_CODE);
    expect(refused.reason).toMatch(/Too many open sockets/);
    await socket().init(await gw.token(COMPANY, "ADMIN", { subject: "someone-else" }));
    // Closing one frees its place once the server has seen the close: the server's close may
    // trail the client's by a moment, so try again on each refusal (each attempt waits on events).
    (held[0] as RawSocket).close();
    await (held[0] as RawSocket).closed;
    let admitted = false;
    for (let attempt = 0; attempt < 50 && !admitted; attempt++) {
      const again = socket();
      admitted = await again.init(token).then(
        () => true,
        () => false,
      );
    }
    expect(admitted).toBe(true);
  });

  it(`answers operation ${MAX_OPERATIONS_PER_SOCKET + 1} of a socket with TOO_MANY_SUBSCRIPTIONS (issue 23: 20,000 on one socket), and keeps the socket`, async () => {
    const s = socket();
    await s.init(admin);
    const SENT = 200;
    for (let i = 1; i <= SENT; i++) await s.subscribe(String(i), PROGRESS);
    const refusals = await Promise.all(
      Array.from({ length: SENT - MAX_OPERATIONS_PER_SOCKET }, (_, i) =>
        s.next(
          (m) => m.id === String(MAX_OPERATIONS_PER_SOCKET + 1 + i) && m.type === "error",
          `refusal of ${MAX_OPERATIONS_PER_SOCKET + 1 + i}`,
        ),
      ),
    );
    for (const refusal of refusals)
      expect((refusal.payload as { extensions: { code: string } }[])[0]?.extensions.code).toBe(
        "TOO_MANY_SUBSCRIPTIONS",
      );
    // The first 50 are live: none of them was refused.
    expect(s.messages.filter((m) => m.type === "error" && Number(m.id) <= MAX_OPERATIONS_PER_SOCKET)).toEqual([]);
    // Completing one makes room for another operation on the same socket.
    await s.send({ id: "1", type: "complete" });
    await s.subscribe("after-complete", "{ integration { status } }");
    const answer = await s.next(
      (m) => m.id === "after-complete" && m.type !== "complete",
      "the query after a complete",
    );
    expect(answer).toMatchObject({ type: "next", payload: { data: { integration: { status: "DISCONNECTED" } } } });
  });

  it("closes a socket with 4401 at its token's exp; the token then opens nothing and mutates nothing", async () => {
    const exp = Math.floor(Date.now() / 1000) + 2;
    const token = await gw.token(COMPANY, "ADMIN", { expiresIn: exp, subject: "short-lived" });
    const s = socket();
    await s.init(token);
    await s.subscribe("live", PROGRESS);
    const closed = await s.closed;
    const at = Date.now();
    expect(closed.code).toBe(4401);
    expect(at).toBeGreaterThanOrEqual(exp * 1000);
    expect(at).toBeLessThan(exp * 1000 + 1_500);
    // A mutation after exp: refused on a new socket (4401 before any operation) and over HTTP.
    const late = socket();
    await late.send({ type: "connection_init", payload: { authorization: `Bearer ${token}` } });
    await late
      .subscribe(
        "m",
        "mutation { updateSyncSettings(input: { reconcileEveryHours: 6 }) { settings { reconcileEveryHours } } }",
      )
      .catch(() => undefined);
    expect((await late.closed).code).toBe(4401);
    expect(late.messages.filter((m: WsMessage) => m.id === "m")).toEqual([]);
    const http = await gw.gql(
      "mutation { updateSyncSettings(input: { reconcileEveryHours: 6 }) { settings { reconcileEveryHours } } }",
      {},
      token,
    );
    expect(http.status).toBe(401);
    expect(http.errors?.[0]?.extensions?.code).toBe("UNAUTHENTICATED");
  });

  it("masks a resolver's database error over WebSocket as over HTTP (no SQL text) and logs it with the request id", async () => {
    // A cursor of the right shape whose id is no uuid: PostgreSQL refuses the cast.
    const forged = encodeCursor(["Doe", "Jane", "not-a-uuid"]);
    const query = "query($a: String) { employees(first: 5, after: $a) { totalCount } }";
    const http = await gw.gql(query, { a: forged }, admin);
    const s = socket();
    await s.init(admin);
    await s.subscribe("bad", query, { a: forged });
    const answer = await s.next((m) => m.id === "bad" && m.type !== "complete", "the failing query's answer");
    expect(answer.type).toBe("next");
    const errors = (answer.payload as { errors: { message: string; extensions: { code: string } }[] }).errors;
    expect(errors).toEqual([
      expect.objectContaining({ message: INTERNAL_MESSAGE, extensions: { code: "INTERNAL_SERVER_ERROR" } }),
    ]);
    expect(JSON.stringify(answer)).not.toMatch(/uuid|syntax|select|employee_/i);
    expect(http.errors?.[0]).toMatchObject({
      message: INTERNAL_MESSAGE,
      extensions: { code: "INTERNAL_SERVER_ERROR" },
    });
    const logged = gw.logs.filter((l) => l.includes("unexpected GraphQL error") && l.includes('"operationId":"bad"'));
    expect(logged).toHaveLength(1);
    expect(JSON.parse(logged[0] as string)).toMatchObject({ requestId: expect.any(String), err: expect.anything() });
  });

  it("answers a subscription POSTed over HTTP with 400 BAD_REQUEST, not a 500", async () => {
    const res = await gw.gql(PROGRESS, {}, admin);
    expect(res.status).toBe(400);
    expect(res.errors).toEqual([expect.objectContaining({ extensions: { code: "BAD_REQUEST" } })]);
    expect(res.errors?.[0]?.message).toMatch(/WebSocket/);
  });
});

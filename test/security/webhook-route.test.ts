import { connect, type Socket } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { bobSignature } from "../../simulator/index.js";
import { requireBuiltCli, runCli } from "../cli/run-cli.js";
import { deferred, within } from "../support/deferred.js";
import { startSyncHarness, type SyncHarness } from "../support/sync-harness.js";
import { HOOK_SECRET, settled, signedPost, v2Event } from "../support/webhook-harness.js";

/**
 * The webhook route (README, "Real-time updates"), probed as an attacker would (issue 23): the key is checked
 * before the body is read, slow senders are cut off, a replayed body is counted and not stored,
 * and a change of secret, a disconnect or a rotated URL takes effect at once, cache or not.
 */
const REQUEST_TIMEOUT_MS = 1_000;
const MIB = 1024 * 1024;

/** A raw HTTP/1.1 request: the test decides what is sent, and when. */
interface RawRequest {
  readonly socket: Socket;
  /** The first bytes of the answer (the status line and headers, at least). */
  readonly answer: Promise<string>;
  /** Resolves when the server closed the connection, with everything it sent. */
  readonly closed: Promise<string>;
}

function rawRequest(base: string, head: string): RawRequest {
  const { hostname, port } = new URL(base);
  const socket = connect(Number(port), hostname);
  const answer = deferred<string>();
  const closed = deferred<string>();
  let received = "";
  socket.on("data", (chunk: Buffer) => {
    received += chunk.toString("latin1");
    if (received.includes("\r\n\r\n")) answer.resolve(received);
  });
  socket.on("error", () => undefined); // a reset after the answer is the server hanging up: fine
  socket.on("close", () => {
    answer.resolve(received);
    closed.resolve(received);
  });
  socket.write(head);
  return { socket, answer: answer.promise, closed: closed.promise };
}

const headOf = (path: string, headers: Record<string, string | number>): string =>
  `POST ${path} HTTP/1.1\r\nHost: gateway.test\r\n${Object.entries(headers)
    .map(([k, v]) => `${k}: ${v}\r\n`)
    .join("")}\r\n`;

describe("the webhook route under abuse", () => {
  let h: SyncHarness;
  let target: string;
  let url: string;
  const companyRows = async (): Promise<number> =>
    Number(
      (
        await h.gw.gateway.db
          .em()
          .execute<{ n: string | number }[]>("select count(*) as n from webhook_delivery where company_id = ?", [
            h.companyId,
          ])
      )[0]?.n,
    );
  const keyOf = (webhookUrl: string): string => webhookUrl.split("/").at(-1) as string;
  const setSecret = async (secret: string): Promise<string> =>
    `${h.gw.url}/webhooks/bob/${keyOf((await h.gql<{ setHookSecret: { webhookUrl: string } }>("mutation($s: String!) { setHookSecret(input: { secret: $s }) { webhookUrl } }", { s: secret })).setHookSecret.webhookUrl)}`;
  let n = 0;
  /** A signed event no earlier test sent (a fresh body: not a replay). */
  const freshEvent = (): string =>
    v2Event("employee.updated", target, { fieldUpdates: [{ fieldId: "root.surname" }], probe: ++n });

  beforeAll(async () => {
    h = await startSyncHarness({
      employees: 0,
      companyId: "webhook-abuse-co",
      gateway: { requestTimeoutMs: REQUEST_TIMEOUT_MS },
    });
    target = h.sim.company.createEmployee({
      "root.firstName": "Wanda",
      "root.surname": "Webhook",
      "root.email": "wanda@acme.example",
    });
    await h.syncAndWait();
    url = await setSecret(HOOK_SECRET);
  });
  afterAll(async () => h?.close());

  describe("an unknown key is answered 404 before the body is read", () => {
    it.each([
      ["with a Content-Length of 1 MiB (the fast path)", { "Content-Type": "application/json", "Content-Length": MIB }],
      [
        "chunked, of no announced length (the Express route)",
        { "Content-Type": "application/json", "Transfer-Encoding": "chunked" },
      ],
    ])("%s: the answer comes after a few bytes, and the connection is closed", async (_what, headers) => {
      const before = await companyRows();
      const req = rawRequest(h.gw.url, headOf("/webhooks/bob/no-such-key-0123456789", headers));
      // A few bytes of the body, then nothing more: a trickling sender that never finishes.
      req.socket.write(headers["Transfer-Encoding"] ? '5\r\n{"a":\r\n' : '{"a":');
      const answer = await within(req.answer, 5_000, "an answer to the unknown key");
      expect(answer).toMatch(/^HTTP\/1\.1 404 /);
      expect(answer.toLowerCase()).toContain("connection: close");
      await within(req.closed, 5_000, "the connection to close");
      expect(req.socket.bytesWritten).toBeLessThan(1_000);
      expect(await companyRows()).toBe(before);
    });
  });

  describe("a sender slower than the request timeout is cut off, and nothing is stored", () => {
    it("headers that never end", async () => {
      const req = rawRequest(h.gw.url, `POST /webhooks/bob/${keyOf(url)} HTTP/1.1\r\nHost: gateway.test\r\n`);
      const trickle = setInterval(() => req.socket.writable && req.socket.write("X"), 100);
      try {
        const started = performance.now();
        await within(req.closed, 5_000, "the server to close the connection");
        expect(performance.now() - started).toBeGreaterThanOrEqual(REQUEST_TIMEOUT_MS - 100);
      } finally {
        clearInterval(trickle);
      }
    });

    it("a signed body sent one byte at a time (fast path and Express route)", async () => {
      const before = await companyRows();
      for (const framing of ["content-length", "chunked"] as const) {
        const body = freshEvent();
        const headers: Record<string, string | number> = {
          "Content-Type": "application/json",
          "Bob-Signature": bobSignature(HOOK_SECRET, body),
        };
        if (framing === "chunked") headers["Transfer-Encoding"] = "chunked";
        else headers["Content-Length"] = Buffer.byteLength(body);
        const req = rawRequest(h.gw.url, headOf(`/webhooks/bob/${keyOf(url)}`, headers));
        let sent = 0;
        const trickle = setInterval(() => {
          if (!req.socket.writable || sent >= body.length - 1) return; // never the last byte
          const byte = body[sent++] as string;
          req.socket.write(framing === "chunked" ? `1\r\n${byte}\r\n` : byte);
        }, 50);
        try {
          const answer = await within(req.closed, 5_000, `the server to cut off the ${framing} sender`);
          // Node answers 408 when nothing was answered yet; the connection goes either way.
          if (answer !== "") expect(answer).toMatch(/^HTTP\/1\.1 408 /);
          expect(sent).toBeLessThan(body.length - 1);
        } finally {
          clearInterval(trickle);
        }
      }
      expect(await companyRows()).toBe(before);
    });
  });

  it("stores one row for 1,000 replays of one signed body, counts them on it, and applies it once", async () => {
    const before = await companyRows();
    h.sim.company.updateEmployee(target, { "root.surname": "Replayed" }, {});
    const body = freshEvent();
    const answers: { code: number; deliveryId: string; duplicate: boolean }[] = [];
    let next = 0;
    await Promise.all(
      Array.from({ length: 16 }, async () => {
        while (next < 1_000) {
          next += 1;
          const res = await signedPost(url, body);
          const { deliveryId, duplicate } = (await res.json()) as { deliveryId: string; duplicate: boolean };
          answers.push({ code: res.status, deliveryId, duplicate });
        }
      }),
    );
    expect(answers).toHaveLength(1_000);
    expect(answers.filter((a) => a.code !== 202)).toEqual([]);
    expect(new Set(answers.map((a) => a.deliveryId)).size).toBe(1);
    expect(answers.filter((a) => !a.duplicate)).toHaveLength(1);
    expect((await companyRows()) - before).toBe(1);
    const [row] = await h.gw.gateway.db
      .em()
      .execute<{ replays: number }[]>("select replays from webhook_delivery where id = ?", [answers[0]?.deliveryId]);
    expect(row?.replays).toBe(999);
    const all = await settled(h);
    expect(all.filter((d) => d.id === answers[0]?.deliveryId).map((d) => d.status)).toEqual(["APPLIED"]);
    expect((await h.employee(target))?.lastName).toBe("Replayed");
  }, 120_000);

  it("refuses the old secret right after setHookSecret, though it verified a delivery a moment before", async () => {
    expect((await signedPost(url, freshEvent())).status).toBe(202); // the owner is cached now
    await setSecret("a-new-hook-secret-after-a-leak");
    const before = await companyRows();
    expect((await signedPost(url, freshEvent())).status).toBe(401);
    expect(await companyRows()).toBe(before);
    expect((await signedPost(url, freshEvent(), "a-new-hook-secret-after-a-leak")).status).toBe(202);
    await setSecret(HOOK_SECRET);
  });

  it("refuses a signed delivery sent right after disconnectIntegration", async () => {
    expect((await signedPost(url, freshEvent())).status).toBe(202); // the owner is cached now
    await h.gql("mutation { disconnectIntegration { status } }");
    const before = await companyRows();
    const refused = await signedPost(url, freshEvent());
    expect(refused.status).toBe(401); // the key stays, the hook secret is gone
    expect(await refused.json()).toMatchObject({ reason: "no hook secret stored yet" });
    expect(await companyRows()).toBe(before);

    await h.gql("mutation($i: ConnectIntegrationInput!) { connectIntegration(input: $i) { status } }", {
      i: { accessToken: h.sim.credentials.serviceUser.token, serviceUserId: h.sim.credentials.serviceUser.id },
    });
    expect(await setSecret(HOOK_SECRET)).toBe(url);
    await settled(h);
  });

  describe("rotateWebhookUrl", () => {
    const ROTATE = "mutation { rotateWebhookUrl { status webhookUrl realTimeUpdates } }";

    it("gives a new unguessable URL: the old one answers 404 at once, the new one 202 with the same hook secret", async () => {
      expect((await signedPost(url, freshEvent())).status).toBe(202); // the old owner is cached now
      const rotated = (
        await h.gql<{ rotateWebhookUrl: { status: string; webhookUrl: string; realTimeUpdates: boolean } }>(ROTATE)
      ).rotateWebhookUrl;
      expect(rotated.status).toBe("CONNECTED");
      expect(rotated.realTimeUpdates).toBe(true);
      const newKey = keyOf(rotated.webhookUrl);
      expect(newKey).toMatch(/^[A-Za-z0-9_-]{32}$/);
      expect(newKey).not.toBe(keyOf(url));
      expect(
        (await h.gql<{ integration: { webhookUrl: string } }>("{ integration { webhookUrl } }")).integration.webhookUrl,
      ).toBe(rotated.webhookUrl);

      const before = await companyRows();
      expect((await signedPost(url, freshEvent())).status).toBe(404);
      const chunked = rawRequest(
        h.gw.url,
        headOf(`/webhooks/bob/${keyOf(url)}`, { "Content-Type": "application/json", "Transfer-Encoding": "chunked" }),
      );
      expect(await within(chunked.answer, 5_000, "the old URL to answer over the Express route")).toMatch(
        /^HTTP\/1\.1 404 /,
      );
      chunked.socket.destroy();
      expect(await companyRows()).toBe(before);

      url = `${h.gw.url}/webhooks/bob/${newKey}`;
      expect((await signedPost(url, freshEvent())).status).toBe(202);
      await settled(h);
    });

    it("is there in the CLI too: bob-gateway rotate-webhook-url", async () => {
      requireBuiltCli();
      const r = await runCli(["rotate-webhook-url", "--json"], { url: h.gw.url, token: h.admin });
      expect(r.code).toBe(0);
      const rotated = (JSON.parse(r.stdout) as { rotateWebhookUrl: { webhookUrl: string; realTimeUpdates: boolean } })
        .rotateWebhookUrl;
      expect(rotated.realTimeUpdates).toBe(true);
      const old = url;
      url = `${h.gw.url}/webhooks/bob/${keyOf(rotated.webhookUrl)}`;
      expect(url).not.toBe(old);
      expect((await signedPost(old, freshEvent())).status).toBe(404);
      expect((await signedPost(url, freshEvent())).status).toBe(202);
      await settled(h);
    });

    it("is for admins only, and needs a connection", async () => {
      const support = await h.gw.gql(ROTATE, {}, await h.gw.token(h.companyId, "SUPPORT"));
      expect(support.errors?.[0]?.extensions?.code).toBe("FORBIDDEN");
      const anonymous = await h.gw.gql(ROTATE, {}, null);
      expect(anonymous.errors?.[0]?.extensions?.code).toBe("UNAUTHENTICATED");
      expect((await signedPost(url, freshEvent())).status).toBe(202); // the URL did not change

      const other = await h.gw.token("webhook-unconnected-co", "ADMIN");
      await h.gw.gql(
        "mutation { enableIntegration { status } }",
        {},
        await h.gw.token("webhook-unconnected-co", "SUPPORT"),
      );
      expect((await h.gw.gql(ROTATE, {}, other)).errors?.[0]?.extensions?.code).toBe("NOT_CONNECTED");
      await settled(h);
    });
  });
});

import { randomUUID } from "node:crypto";
import type { IncomingMessage, ServerResponse } from "node:http";
import express, { Router, type ErrorRequestHandler } from "express";
import type { IntakeOutcome, WebhookIntake } from "../domain/webhooks/webhook-intake.js";
import type { Logger } from "../logger.js";
import { requestIdOf } from "./request-id.js";

export const MAX_WEBHOOK_BODY_BYTES = 1024 * 1024;

/** The JSON answer to a delivery, whichever path read it. */
function answerOf(outcome: IntakeOutcome): { status: number; body: Record<string, unknown> } {
  if (outcome.status === 202) return { status: 202, body: { status: "accepted", deliveryId: outcome.deliveryId, duplicate: outcome.duplicate } };
  return { status: outcome.status, body: { status: outcome.status === 200 ? "ok" : "refused", reason: outcome.reason } };
}

/**
 * POST /webhooks/bob/:webhookKey. The body is read raw (whatever its content type) because the
 * signature is over the exact bytes; the answer comes only after the delivery is committed.
 */
export function webhookRoutes(intake: WebhookIntake, logger: Logger): Router {
  const router = Router();
  const raw = express.raw({ type: () => true, limit: MAX_WEBHOOK_BODY_BYTES });
  router.post("/webhooks/bob/:webhookKey", raw, async (req, res, next) => {
    try {
      const body = Buffer.isBuffer(req.body) ? req.body : Buffer.alloc(0);
      const outcome = await intake.receive(String(req.params.webhookKey), body, req.header("bob-signature"));
      if (outcome.status !== 200 && outcome.status !== 202) logger.info({ requestId: requestIdOf(res), status: outcome.status, reason: outcome.reason }, "webhook delivery refused");
      const answer = answerOf(outcome);
      res.status(answer.status).json(answer.body);
    } catch (error) {
      next(error);
    }
  });
  const errors: ErrorRequestHandler = (error: { type?: string; status?: number }, _req, res, _next) => {
    if (error.type === "entity.too.large") {
      res.status(413).json({ status: "refused", reason: "body over 1 MiB" });
      return;
    }
    // Any other body the parser refuses (bad encoding, aborted, unsupported Content-Encoding):
    // the documented answer for a body we cannot read is 400.
    if (typeof error.status === "number" && error.status >= 400 && error.status < 500) {
      res.status(400).json({ status: "refused", reason: "unreadable body" });
      return;
    }
    logger.error({ requestId: requestIdOf(res), err: error }, "webhook route failed");
    res.status(500).json({ status: "error", requestId: requestIdOf(res) });
  };
  router.use("/webhooks", errors);
  return router;
}

const FAST_PATH = /^\/webhooks\/bob\/([A-Za-z0-9_-]{1,64})$/;
const SAFE_REQUEST_ID = /^[A-Za-z0-9._-]{1,64}$/;

/**
 * The same route for the deliveries Bob actually sends, without Express: a POST to a well-formed
 * webhook URL, with a Content-Length within the limit and no Content-Encoding. Under a storm of
 * deliveries Express's router, body parser and response helpers cost more CPU than the delivery
 * itself. Returns false for anything else (a key that cannot exist, a compressed, chunked or
 * oversized body, another method): the Express route answers those, with its documented refusals.
 */
export function webhookFastPath(intake: WebhookIntake, logger: Logger): (req: IncomingMessage, res: ServerResponse) => boolean {
  return (req, res) => {
    if (req.method !== "POST") return false;
    const match = FAST_PATH.exec(req.url ?? "");
    if (!match) return false;
    const encoding = req.headers["content-encoding"];
    if (encoding !== undefined && encoding.trim().toLowerCase() !== "identity") return false;
    const length = Number(req.headers["content-length"]);
    if (req.headers["content-length"] === undefined || !Number.isSafeInteger(length) || length < 0 || length > MAX_WEBHOOK_BODY_BYTES) return false;

    const given = req.headers["x-request-id"];
    const requestId = typeof given === "string" && SAFE_REQUEST_ID.test(given) ? given : randomUUID();
    const send = (status: number, body: Record<string, unknown>): void => {
      if (res.headersSent || res.destroyed) return;
      const text = JSON.stringify(body);
      res.writeHead(status, { "X-Request-Id": requestId, "Content-Type": "application/json; charset=utf-8", "Content-Length": Buffer.byteLength(text) });
      res.end(text);
    };
    // Chunks as they come (nothing allocated up front on the strength of a header alone).
    const chunks: Buffer[] = [];
    let received = 0;
    let failed = false;
    req.on("data", (chunk: Buffer) => {
      if (failed) return;
      if (received + chunk.length > length) {
        failed = true; // more bytes than announced: the parser would refuse it too
        send(400, { status: "refused", reason: "unreadable body" });
        return;
      }
      chunks.push(chunk);
      received += chunk.length;
    });
    req.on("error", () => {
      failed = true;
    });
    req.on("end", () => {
      if (failed) return;
      if (received !== length) {
        send(400, { status: "refused", reason: "unreadable body" });
        return;
      }
      const body = chunks.length === 1 ? (chunks[0] as Buffer) : Buffer.concat(chunks, received);
      intake.receive(match[1] as string, body, req.headers["bob-signature"] as string | undefined).then(
        (outcome) => {
          if (outcome.status !== 200 && outcome.status !== 202) logger.info({ requestId, status: outcome.status, reason: outcome.reason }, "webhook delivery refused");
          const answer = answerOf(outcome);
          send(answer.status, answer.body);
        },
        (error: unknown) => {
          logger.error({ requestId, err: error }, "webhook route failed");
          send(500, { status: "error", requestId });
        },
      );
    });
    return true;
  };
}

import { randomUUID } from "node:crypto";
import type { IncomingMessage, ServerResponse } from "node:http";
import express, { Router, type ErrorRequestHandler, type RequestHandler } from "express";
import type { IntakeOutcome, WebhookIntake, WebhookOwner } from "../domain/webhooks/webhook-intake.js";
import { readDeclaredBody } from "./declared-body.js";
import type { Logger } from "../logger.js";
import { requestIdOf } from "./request-id.js";

export const MAX_WEBHOOK_BODY_BYTES = 1024 * 1024;

/** The JSON answer to a delivery, whichever path read it. */
function answerOf(outcome: IntakeOutcome): { status: number; body: Record<string, unknown> } {
  if (outcome.status === 202)
    return { status: 202, body: { status: "accepted", deliveryId: outcome.deliveryId, duplicate: outcome.duplicate } };
  return {
    status: outcome.status,
    body: { status: outcome.status === 200 ? "ok" : "refused", reason: outcome.reason },
  };
}

/** An unknown key is answered, and the connection closed, without reading the body the sender is still sending. */
const CLOSE = "close";

/**
 * POST /webhooks/bob/:webhookKey. The key is looked up first: an unknown one is answered 404
 * before a byte of the body is read. Then the body is read raw (whatever its content type)
 * because the signature is over the exact bytes; the answer comes only after the delivery is
 * committed.
 */
export function webhookRoutes(intake: WebhookIntake, logger: Logger): Router {
  const router = Router();
  const ownerFirst: RequestHandler = (req, res, next) => {
    intake.owner(String(req.params.webhookKey)).then((owner) => {
      if (!owner) {
        logger.info(
          { requestId: requestIdOf(res), status: 404, reason: "unknown webhook URL" },
          "webhook delivery refused",
        );
        res.set("Connection", CLOSE).status(404).json({ status: "refused", reason: "unknown webhook URL" });
        return;
      }
      res.locals.webhookOwner = owner;
      next();
    }, next);
  };
  const raw = express.raw({ type: () => true, limit: MAX_WEBHOOK_BODY_BYTES });
  router.post("/webhooks/bob/:webhookKey", ownerFirst, raw, async (req, res, next) => {
    try {
      const body = Buffer.isBuffer(req.body) ? req.body : Buffer.alloc(0);
      const outcome = await intake.receive(res.locals.webhookOwner as WebhookOwner, body, req.header("bob-signature"));
      if (outcome.status !== 200 && outcome.status !== 202)
        logger.info(
          { requestId: requestIdOf(res), status: outcome.status, reason: outcome.reason },
          "webhook delivery refused",
        );
      const answer = answerOf(outcome);
      res.status(answer.status).json(answer.body);
    } catch (error) {
      next(error);
    }
  });
  const errors: ErrorRequestHandler = (error: { type?: string; status?: number }, _req, res, _next) => {
    if (error.type === "entity.too.large") {
      // Refused on its Content-Length (or once past the limit): the rest is not worth reading.
      res.set("Connection", CLOSE).status(413).json({ status: "refused", reason: "body over 1 MiB" });
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
 * itself. As on the Express route, the key is looked up before the body is read. Returns false
 * for anything else (a key that cannot exist, a compressed, chunked or
 * oversized body, another method): the Express route answers those, with its documented refusals.
 */
export function webhookFastPath(
  intake: WebhookIntake,
  logger: Logger,
): (req: IncomingMessage, res: ServerResponse) => boolean {
  return (req, res) => {
    if (req.method !== "POST") return false;
    const match = FAST_PATH.exec(req.url ?? "");
    if (!match) return false;
    const encoding = req.headers["content-encoding"];
    if (encoding !== undefined && encoding.trim().toLowerCase() !== "identity") return false;
    const length = Number(req.headers["content-length"]);
    if (
      req.headers["content-length"] === undefined ||
      !Number.isSafeInteger(length) ||
      length < 0 ||
      length > MAX_WEBHOOK_BODY_BYTES
    )
      return false;

    const given = req.headers["x-request-id"];
    const requestId = typeof given === "string" && SAFE_REQUEST_ID.test(given) ? given : randomUUID();
    const send = (status: number, body: Record<string, unknown>, close = false): void => {
      if (res.headersSent || res.destroyed) return;
      const text = JSON.stringify(body);
      const headers: Record<string, string | number> = {
        "X-Request-Id": requestId,
        "Content-Type": "application/json; charset=utf-8",
        "Content-Length": Buffer.byteLength(text),
      };
      if (close) headers.Connection = CLOSE;
      res.writeHead(status, headers);
      res.end(text);
    };
    const fail = (error: unknown): void => {
      logger.error({ requestId, err: error }, "webhook route failed");
      send(500, { status: "error", requestId });
    };
    // Until the body is read, an aborted request must not go unheard (an unheard "error" throws).
    req.on("error", () => undefined);
    intake
      .owner(match[1] as string)
      .then(async (owner) => {
        if (!owner) {
          logger.info({ requestId, status: 404, reason: "unknown webhook URL" }, "webhook delivery refused");
          send(404, { status: "refused", reason: "unknown webhook URL" }, true);
          return;
        }
        const read = await readDeclaredBody(req, length);
        if (!read.ok) {
          if (read.why === "unreadable") send(400, { status: "refused", reason: "unreadable body" });
          return;
        }
        const outcome = await intake.receive(owner, read.body, req.headers["bob-signature"] as string | undefined);
        if (outcome.status !== 200 && outcome.status !== 202)
          logger.info({ requestId, status: outcome.status, reason: outcome.reason }, "webhook delivery refused");
        const answer = answerOf(outcome);
        send(answer.status, answer.body);
      })
      .catch(fail);
    return true;
  };
}

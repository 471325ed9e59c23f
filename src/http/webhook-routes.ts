import express, { Router, type ErrorRequestHandler } from "express";
import type { WebhookIntake } from "../domain/webhooks/webhook-intake.js";
import type { Logger } from "../logger.js";
import { requestIdOf } from "./request-id.js";

export const MAX_WEBHOOK_BODY_BYTES = 1024 * 1024;

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
      if (outcome.status === 202) {
        res.status(202).json({ status: "accepted", deliveryId: outcome.deliveryId, duplicate: outcome.duplicate });
        return;
      }
      if (outcome.status !== 200) logger.info({ requestId: requestIdOf(res), status: outcome.status, reason: outcome.reason }, "webhook delivery refused");
      res.status(outcome.status).json({ status: outcome.status === 200 ? "ok" : "refused", reason: outcome.reason });
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

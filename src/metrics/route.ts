import { createHash, timingSafeEqual } from "node:crypto";
import { Router } from "express";
import type { Registry } from "prom-client";
import type { Logger } from "../logger.js";

/**
 * GET /metrics in Prometheus text format, for `Authorization: Bearer $METRICS_TOKEN` only.
 * Without a token configured the route does not exist (404, as any unknown path). The token is
 * compared as SHA-256 digests with timingSafeEqual: constant time whatever the given length.
 */
export function metricsRoute(registry: Registry, token: string | undefined, logger: Logger): Router {
  const router = Router();
  if (!token) {
    // Said explicitly, so no later catch-all route can answer it.
    router.get(
      "/metrics",
      (_req, res) => void res.status(404).set("Cache-Control", "no-store").type("text/plain").send("not found\n"),
    );
    return router;
  }
  const expected = digest(token);
  router.get("/metrics", async (req, res) => {
    res.set("Cache-Control", "no-store");
    const given = /^Bearer (.+)$/i.exec(req.header("authorization") ?? "")?.[1]?.trim();
    if (!given || !timingSafeEqual(digest(given), expected)) {
      res.set("WWW-Authenticate", 'Bearer realm="metrics"').status(401).type("text/plain").send("unauthorized\n");
      return;
    }
    try {
      const text = await registry.metrics();
      res.status(200).type(registry.contentType).send(text);
    } catch (error) {
      logger.error({ err: error }, "metrics could not be collected");
      res.status(500).type("text/plain").send("metrics could not be collected\n");
    }
  });
  return router;
}

function digest(text: string): Buffer {
  return createHash("sha256").update(text, "utf8").digest();
}

import { Router } from "express";

export interface Readiness {
  /** Resolves when the database answers and migrations are applied; rejects otherwise. */
  check(): Promise<void>;
}

/** /healthz: the process is up. /readyz: it can serve (database reachable, schema migrated). */
export function healthRoutes(readiness: Readiness): Router {
  const router = Router();
  router.get("/healthz", (_req, res) => {
    res.status(200).json({ status: "ok" });
  });
  router.get("/readyz", async (_req, res) => {
    try {
      await readiness.check();
      res.status(200).json({ status: "ready" });
    } catch (error) {
      res
        .status(503)
        .json({ status: "unavailable", reason: error instanceof Error ? error.message.slice(0, 200) : "unknown" });
    }
  });
  return router;
}

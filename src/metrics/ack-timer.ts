import type { IncomingMessage, ServerResponse } from "node:http";
import type { GatewayMetrics } from "./gateway-metrics.js";

const WEBHOOK_PATH = /^\/webhooks\/bob\//;

/**
 * Times every webhook POST from its arrival to the end of its answer, whichever path answers it
 * (the fast path or the Express route): called first thing by the HTTP server's handler, it costs
 * a regex and one "finish" listener. Requests closed before an answer are not observed.
 */
export function webhookAckTimer(metrics: GatewayMetrics): (req: IncomingMessage, res: ServerResponse) => void {
  return (req, res) => {
    if (req.method !== "POST" || !WEBHOOK_PATH.test(req.url ?? "")) return;
    const started = process.hrtime.bigint();
    res.once("finish", () => {
      metrics.webhookAck.observe({ status: String(res.statusCode) }, Number(process.hrtime.bigint() - started) / 1e9);
    });
  };
}

import { createHash } from "node:crypto";
import type { Clock } from "../ports/clock.js";
import type { ConnectionStore } from "../ports/connection-store.js";
import type { DeliveryStore } from "../ports/delivery-store.js";
import { isPing, parseBobEvent } from "./bob-event.js";
import { signatureMatches } from "./signature.js";

export type IntakeOutcome =
  | { readonly status: 404; readonly reason: "unknown webhook URL" }
  | { readonly status: 200; readonly reason: "ping" }
  | { readonly status: 401; readonly reason: "no hook secret stored yet" | "missing or invalid Bob-Signature" }
  | { readonly status: 400; readonly reason: "not a Bob event" }
  | { readonly status: 202; readonly deliveryId: string; readonly duplicate: boolean };

/**
 * The webhook route's rules (api-http.md, "Webhook route"), transport aside: who the URL
 * belongs to, Bob's ping, the signature over the raw body, the envelope, then durable storage.
 * Nothing is stored unless the signature is right.
 */
export class WebhookIntake {
  constructor(
    private readonly connections: ConnectionStore,
    private readonly deliveries: DeliveryStore,
    private readonly clock: Clock,
  ) {}

  async receive(webhookKey: string, rawBody: Buffer, signature: string | undefined): Promise<IntakeOutcome> {
    const owner = await this.connections.findByWebhookKey(webhookKey);
    if (!owner) return { status: 404, reason: "unknown webhook URL" };
    const text = rawBody.toString("utf8");
    if (isPing(text)) return { status: 200, reason: "ping" };
    if (!owner.hookSecret) return { status: 401, reason: "no hook secret stored yet" };
    if (!signatureMatches(owner.hookSecret, rawBody, signature)) return { status: 401, reason: "missing or invalid Bob-Signature" };
    let body: unknown;
    try {
      body = JSON.parse(text);
    } catch {
      return { status: 400, reason: "not a Bob event" };
    }
    const event = parseBobEvent(body);
    if (!event) return { status: 400, reason: "not a Bob event" };
    const bodyHash = createHash("sha256").update(rawBody).digest("hex");
    const { id, duplicate } = await this.deliveries.accept(owner.companyId, event, bodyHash, this.clock.now());
    return { status: 202, deliveryId: id, duplicate };
  }
}

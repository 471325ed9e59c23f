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

/** How long a webhook key's owner and hook secret are reused without reading them again. */
const OWNER_CACHE_MS = 1_000;
const OWNER_CACHE_MAX = 10_000;

type Owner = { readonly companyId: string; readonly hookSecret: string | null };

/**
 * The webhook route's rules (api-http.md, "Webhook route"), transport aside: who the URL
 * belongs to, Bob's ping, the signature over the raw body, the envelope, then durable storage.
 * Nothing is stored unless the signature is right.
 */
export class WebhookIntake {
  /**
   * Owners whose stored secret verified a delivery in the last second. Only a delivery that
   * verifies against the cached secret uses it: any refusal (unknown key, no secret, signature
   * mismatch, e.g. right after the admin pasted a new secret) reads the database first, so a
   * cache entry can never turn away a delivery the stored state would accept. A burst from Bob
   * costs one owner lookup (and one decryption) per second instead of one per delivery.
   */
  private readonly owners = new Map<string, Owner & { readonly at: number }>();

  constructor(
    private readonly connections: ConnectionStore,
    private readonly deliveries: DeliveryStore,
    private readonly clock: Clock,
  ) {}

  async receive(webhookKey: string, rawBody: Buffer, signature: string | undefined): Promise<IntakeOutcome> {
    const text = rawBody.toString("utf8");
    let owner = this.verifiedByCache(webhookKey, rawBody, signature);
    if (owner === null) {
      const stored = await this.connections.findByWebhookKey(webhookKey);
      if (!stored) return { status: 404, reason: "unknown webhook URL" };
      if (isPing(text)) return { status: 200, reason: "ping" };
      if (!stored.hookSecret) return { status: 401, reason: "no hook secret stored yet" };
      if (!signatureMatches(stored.hookSecret, rawBody, signature)) return { status: 401, reason: "missing or invalid Bob-Signature" };
      this.remember(webhookKey, stored);
      owner = stored;
    } else if (isPing(text)) {
      return { status: 200, reason: "ping" };
    }
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

  /** The cached owner, only when it is fresh and its secret verifies this delivery. */
  private verifiedByCache(webhookKey: string, rawBody: Buffer, signature: string | undefined): Owner | null {
    const cached = this.owners.get(webhookKey);
    if (!cached?.hookSecret || performance.now() - cached.at >= OWNER_CACHE_MS) return null;
    return signatureMatches(cached.hookSecret, rawBody, signature) ? cached : null;
  }

  private remember(webhookKey: string, owner: Owner): void {
    if (this.owners.size >= OWNER_CACHE_MAX) this.owners.clear();
    this.owners.set(webhookKey, { companyId: owner.companyId, hookSecret: owner.hookSecret, at: performance.now() });
  }
}

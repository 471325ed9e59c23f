import { createHash } from "node:crypto";
import type { Clock } from "../ports/clock.js";
import type { ConnectionStore } from "../ports/connection-store.js";
import type { DeliveryStore } from "../ports/delivery-store.js";
import type { WebhookOwnerChanges } from "../ports/webhook-owner-changes.js";
import { isPing, parseBobEvent } from "./bob-event.js";
import { signatureMatches } from "./signature.js";

export type IntakeOutcome =
  | { readonly status: 404; readonly reason: "unknown webhook URL" }
  | { readonly status: 200; readonly reason: "ping" }
  | { readonly status: 401; readonly reason: "no hook secret stored yet" | "missing or invalid Bob-Signature" }
  | { readonly status: 400; readonly reason: "not a Bob event" }
  | { readonly status: 202; readonly deliveryId: string; readonly duplicate: boolean };

/**
 * How long a webhook key's owner and hook secret are reused without reading them again. Every
 * change reaches every replica's cache at once (`changed`, through NOTIFY on PostgreSQL), so this
 * only bounds a change whose NOTIFY was lost. A fleet's companies each hear from Bob every few
 * seconds: with a one-second life nearly every delivery paid a lookup and a decryption.
 */
const OWNER_CACHE_MS = 30_000;
const OWNER_CACHE_MAX = 10_000;

/** Who a webhook URL belongs to, as looked up before its body is read. */
export interface WebhookOwner {
  readonly webhookKey: string;
  readonly companyId: string;
  readonly hookSecret: string | null;
  /** From the owner cache: a refusal is only final once the stored state says so too. */
  readonly cached: boolean;
}

type Cached = { readonly companyId: string; readonly hookSecret: string | null; readonly at: number };

/**
 * The webhook route's rules (README, "Real-time updates"), transport aside, in two steps: whose
 * URL this is (`owner`, before the transport reads the body, so a stranger's body is never
 * buffered), then Bob's ping, the signature over the raw body, the envelope and durable storage
 * (`receive`). Nothing is stored unless the signature is right.
 */
export class WebhookIntake implements WebhookOwnerChanges {
  /**
   * Owners looked up in the last OWNER_CACHE_MS. A company's deliveries cost one owner lookup (and
   * one decryption) per OWNER_CACHE_MS instead of one each. A change of key or secret forgets the
   * company's entries at once (`changed`, made in this replica or, on PostgreSQL, in any other);
   * and since any refusal reads the database again, a cache entry can never turn away a delivery
   * the stored state would accept.
   */
  private readonly owners = new Map<string, Cached>();
  /** Bumped by every change: a lookup that started before one must not cache what it read. */
  private generation = 0;

  constructor(
    private readonly connections: ConnectionStore,
    private readonly deliveries: DeliveryStore,
    private readonly clock: Clock,
  ) {}

  /** The URL's owner (cached, see OWNER_CACHE_MS), or null: an unknown key, answered 404 unread. */
  async owner(webhookKey: string): Promise<WebhookOwner | null> {
    const cached = this.owners.get(webhookKey);
    if (cached && performance.now() - cached.at < OWNER_CACHE_MS)
      return { webhookKey, companyId: cached.companyId, hookSecret: cached.hookSecret, cached: true };
    return this.stored(webhookKey);
  }

  async receive(owner: WebhookOwner, rawBody: Buffer, signature: string | undefined): Promise<IntakeOutcome> {
    const text = rawBody.toString("utf8");
    if (isPing(text)) return { status: 200, reason: "ping" };
    const signedBy = (o: WebhookOwner) => o.hookSecret !== null && signatureMatches(o.hookSecret, rawBody, signature);
    let verified = owner;
    if (!signedBy(owner)) {
      if (!owner.cached) return refusalOf(owner);
      // A cached owner may be a second old (the admin just pasted a new secret): ask the database.
      const fresh = await this.stored(owner.webhookKey);
      if (!fresh) return { status: 404, reason: "unknown webhook URL" };
      if (!signedBy(fresh)) return refusalOf(fresh);
      verified = fresh;
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
    const { id, duplicate } = await this.deliveries.accept(verified.companyId, event, bodyHash, this.clock.now());
    return { status: 202, deliveryId: id, duplicate };
  }

  /** Forgets every cached owner entry of the company (its key or secret just changed). */
  changed(companyId: string): void {
    this.generation += 1;
    for (const [key, cached] of this.owners) if (cached.companyId === companyId) this.owners.delete(key);
  }

  /** Forgets every cached owner entry: changes may have been announced while no one listened. */
  anyMayHaveChanged(): void {
    this.generation += 1;
    this.owners.clear();
  }

  /** The stored owner, read now (and cached unless a change happened meanwhile). */
  private async stored(webhookKey: string): Promise<WebhookOwner | null> {
    const generation = this.generation;
    const found = await this.connections.findByWebhookKey(webhookKey);
    if (!found) return null;
    if (generation === this.generation) {
      if (this.owners.size >= OWNER_CACHE_MAX) this.owners.clear();
      this.owners.set(webhookKey, { companyId: found.companyId, hookSecret: found.hookSecret, at: performance.now() });
    }
    return { webhookKey, companyId: found.companyId, hookSecret: found.hookSecret, cached: false };
  }
}

function refusalOf(owner: WebhookOwner): IntakeOutcome {
  return owner.hookSecret
    ? { status: 401, reason: "missing or invalid Bob-Signature" }
    : { status: 401, reason: "no hook secret stored yet" };
}

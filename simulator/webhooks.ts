/**
 * Bob's v2 webhook sender: thin events, Bob-Signature = base64(HMAC-SHA512(secret, raw body)),
 * per-subscriber ordering (v2 promises it), exponential backoff on non-2xx or network errors,
 * and the "Ping test" connection check with its JSON fallback.
 */
import { createHmac } from "node:crypto";
import { bobTimestamp } from "./dates.js";
import type { CompanyEvent } from "./company.js";

export interface WebhookOptions {
  /** First retry delay; attempt k waits base * 2^(k-1). Bob's real delays are minutes. */
  retryBaseMs: number;
  /** Attempts per event before it is given up (Bob keeps trying for days). */
  maxAttempts: number;
  /** Per-attempt timeout (Bob's partner docs: answer within 10 s). */
  timeoutMs: number;
  /** employee.updated fieldUpdates elements: [{"fieldId": "..."}] or ["..."] (unconfirmed in Bob's docs). */
  fieldUpdatesStyle: "objects" | "strings";
}

export const DEFAULT_WEBHOOK_OPTIONS: WebhookOptions = {
  retryBaseMs: 1000,
  maxAttempts: 5,
  timeoutMs: 10_000,
  fieldUpdatesStyle: "objects",
};

export interface WebhookSubscription {
  id: string;
  url: string;
  secret: string;
  /** Event types delivered; undefined = all. */
  events?: string[];
}

export interface WebhookDelivery {
  id: number;
  subscriptionId: string;
  url: string;
  type: string | null;
  /** Exact bytes sent (as UTF-8 text). */
  body: string;
  attempts: number;
  lastStatus: number | null;
  lastError: string | null;
  state: "pending" | "delivered" | "failed";
}

export interface PingAttempt {
  body: string;
  status: number | null;
  error: string | null;
}

export interface PingResult {
  ok: boolean;
  attempts: PingAttempt[];
}

export interface WebhookEmitter {
  readonly subscriptions: readonly WebhookSubscription[];
  readonly deliveries: readonly WebhookDelivery[];
  readonly options: Readonly<WebhookOptions>;
  configure(patch: Partial<WebhookOptions>): void;
  subscribe(s: { url: string; secret: string; events?: string[] }): WebhookSubscription;
  unsubscribe(id: string): void;
  /** Bob's connection check: plain "Ping test", then JSON {"text":"Ping test"} if that was not 2xx. */
  ping(subscriptionId?: string): Promise<PingResult>;
  /** Sends an arbitrary body (object => JSON, string => as is) to every matching subscriber. */
  emit(event: unknown, opts?: { subscriptionId?: string; type?: string }): void;
  /** Resolves when no delivery is pending (delivered or given up). */
  idle(): Promise<void>;
}

export function bobSignature(secret: string, body: string | Buffer): string {
  return createHmac("sha512", secret).update(body).digest("base64");
}

interface Queue {
  items: WebhookDelivery[];
  running: boolean;
}

export class WebhookSender implements WebhookEmitter {
  private subs: WebhookSubscription[] = [];
  private log: WebhookDelivery[] = [];
  private readonly queues = new Map<string, Queue>();
  private pending = 0;
  private waiters: Array<() => void> = [];
  private nextId = 1;
  private nextSub = 1;
  private micro = 0;
  private closed = false;
  private readonly abort = new AbortController();
  private readonly sleeps = new Set<{ timer: NodeJS.Timeout; resolve: () => void }>();
  private opts: WebhookOptions;

  constructor(
    private readonly companyId: () => number,
    opts: Partial<WebhookOptions> = {},
  ) {
    this.opts = { ...DEFAULT_WEBHOOK_OPTIONS, ...opts };
  }

  get subscriptions(): readonly WebhookSubscription[] {
    return this.subs;
  }

  get deliveries(): readonly WebhookDelivery[] {
    return this.log;
  }

  get options(): Readonly<WebhookOptions> {
    return this.opts;
  }

  configure(patch: Partial<WebhookOptions>): void {
    this.opts = { ...this.opts, ...patch };
  }

  subscribe(s: { url: string; secret: string; events?: string[] }): WebhookSubscription {
    const sub: WebhookSubscription = {
      id: `wh_${this.nextSub++}`,
      url: s.url,
      secret: s.secret,
      ...(s.events ? { events: [...s.events] } : {}),
    };
    this.subs.push(sub);
    return sub;
  }

  unsubscribe(id: string): void {
    this.subs = this.subs.filter((s) => s.id !== id);
  }

  /** Company mutations arrive here; nothing is sent when nobody subscribed. */
  companyEvents(events: readonly CompanyEvent[]): void {
    for (const ev of events) {
      const data =
        ev.type === "employee.updated" && Array.isArray(ev.data["fieldUpdates"])
          ? { ...ev.data, fieldUpdates: this.formatFieldUpdates(ev.data["fieldUpdates"] as string[]) }
          : ev.data;
      this.emit({
        companyId: this.companyId(),
        type: ev.type,
        triggeredBy: ev.triggeredBy,
        triggeredAt: this.triggeredAt(),
        version: "v2",
        data,
      });
    }
  }

  emit(event: unknown, opts: { subscriptionId?: string; type?: string } = {}): void {
    const body = typeof event === "string" ? event : JSON.stringify(event);
    const type =
      opts.type ??
      (typeof event === "object" && event !== null && typeof (event as { type?: unknown }).type === "string"
        ? (event as { type: string }).type
        : null);
    for (const sub of this.subs) {
      if (opts.subscriptionId !== undefined && sub.id !== opts.subscriptionId) continue;
      if (sub.events && type !== null && !sub.events.includes(type)) continue;
      const d: WebhookDelivery = {
        id: this.nextId++,
        subscriptionId: sub.id,
        url: sub.url,
        type,
        body,
        attempts: 0,
        lastStatus: null,
        lastError: null,
        state: "pending",
      };
      this.log.push(d);
      this.enqueue(sub, d);
    }
  }

  async ping(subscriptionId?: string): Promise<PingResult> {
    const sub = subscriptionId === undefined ? this.subs.at(-1) : this.subs.find((s) => s.id === subscriptionId);
    if (!sub) throw new Error("ping: no such webhook subscription");
    const attempts: PingAttempt[] = [];
    for (const body of ["Ping test", JSON.stringify({ text: "Ping test" })]) {
      const r = await this.post(sub, body);
      attempts.push({ body, status: r.status, error: r.error });
      if (r.status !== null && r.status >= 200 && r.status < 300) return { ok: true, attempts };
    }
    return { ok: false, attempts };
  }

  idle(): Promise<void> {
    if (this.pending === 0 || this.closed) return Promise.resolve();
    return new Promise((resolve) => this.waiters.push(resolve));
  }

  close(): void {
    this.closed = true;
    this.abort.abort();
    for (const s of this.sleeps) {
      clearTimeout(s.timer);
      s.resolve();
    }
    this.sleeps.clear();
    this.settle(true);
  }

  // ---- delivery ----------------------------------------------------------------------------

  private formatFieldUpdates(ids: readonly string[]): unknown[] {
    return this.opts.fieldUpdatesStyle === "strings" ? [...ids] : ids.map((fieldId) => ({ fieldId }));
  }

  private triggeredAt(): string {
    this.micro = (this.micro + 1) % 1000;
    return bobTimestamp(Date.now(), this.micro);
  }

  private enqueue(sub: WebhookSubscription, d: WebhookDelivery): void {
    let q = this.queues.get(sub.id);
    if (!q) {
      q = { items: [], running: false };
      this.queues.set(sub.id, q);
    }
    q.items.push(d);
    this.pending++;
    if (!q.running) void this.pump(sub, q);
  }

  /** One delivery at a time per subscriber, so events arrive in order. */
  private async pump(sub: WebhookSubscription, q: Queue): Promise<void> {
    q.running = true;
    while (q.items.length > 0 && !this.closed) {
      const d = q.items[0]!;
      await this.deliver(sub, d);
      q.items.shift();
      this.pending--;
      this.settle(false);
    }
    q.running = false;
  }

  private async deliver(sub: WebhookSubscription, d: WebhookDelivery): Promise<void> {
    while (!this.closed) {
      d.attempts++;
      const r = await this.post(sub, d.body);
      d.lastStatus = r.status;
      d.lastError = r.error;
      if (r.status !== null && r.status >= 200 && r.status < 300) {
        d.state = "delivered";
        return;
      }
      if (d.attempts >= this.opts.maxAttempts) break;
      await this.sleep(this.opts.retryBaseMs * 2 ** (d.attempts - 1));
    }
    d.state = "failed";
  }

  private async post(sub: WebhookSubscription, body: string): Promise<{ status: number | null; error: string | null }> {
    if (this.closed) return { status: null, error: "simulator closed" };
    try {
      const res = await fetch(sub.url, {
        method: "POST",
        headers: {
          "content-type": "application/json",
          "bob-signature": bobSignature(sub.secret, body),
          "user-agent": "Bob-Webhooks-Simulator",
        },
        body,
        signal: AbortSignal.any([this.abort.signal, AbortSignal.timeout(this.opts.timeoutMs)]),
      });
      await res.arrayBuffer().catch(() => undefined);
      return { status: res.status, error: null };
    } catch (err) {
      return { status: null, error: err instanceof Error ? err.message : String(err) };
    }
  }

  private sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const entry = {
        timer: setTimeout(() => {
          this.sleeps.delete(entry);
          resolve();
        }, ms),
        resolve,
      };
      this.sleeps.add(entry);
    });
  }

  private settle(force: boolean): void {
    if (this.pending > 0 && !force) return;
    const ws = this.waiters;
    this.waiters = [];
    for (const w of ws) w();
  }
}

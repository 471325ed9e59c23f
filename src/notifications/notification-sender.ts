import { createHmac } from "node:crypto";
import { request as httpRequest, type IncomingMessage } from "node:http";
import { request as httpsRequest } from "node:https";
import { hostOf, notificationUrlProblem } from "../domain/notifications/notification-target.js";
import type { NotificationStore } from "../domain/ports/notification-store.js";
import type { NotificationJob } from "../jobs/job-queue.js";
import {
  checkedAddresses,
  pinnedLookup,
  RefusedTargetError,
  systemResolver,
  type ResolvedAddress,
  type Resolver,
} from "./target-addresses.js";

/** The signature header: "sha256=" + hex HMAC-SHA256 of the raw body under the company's secret. */
export const SIGNATURE_HEADER = "X-Gateway-Signature";
export const EVENT_HEADER = "X-Gateway-Event";
export const DELIVERY_HEADER = "X-Gateway-Delivery";

export function signatureOf(secret: string, body: string): string {
  return `sha256=${createHmac("sha256", secret).update(body, "utf8").digest("hex")}`;
}

export interface NotificationSenderOptions {
  /** Production sends to https URLs only (a URL stored before would be dropped). */
  readonly production: boolean;
  readonly resolver?: Resolver;
  /** Internal addresses accepted anyway (tests' local receivers). Never set in production. */
  readonly allowPrivateTargets?: readonly string[];
  /** The whole POST, connection to answer (default 10 s). */
  readonly timeoutMs?: number;
}

/** SENT: the receiver answered 2xx. OFF: notifications were turned off since. REFUSED: the target is not allowed (any more). */
export type SendOutcome = "SENT" | "OFF" | "REFUSED";

/**
 * Delivers one queued notification: re-reads the company's URL and secret (turned off: dropped),
 * checks the URL and every address its host resolves to, then POSTs the stored body, signed,
 * to the checked addresses. Redirects are not followed; the answer's body is ignored. A non-2xx
 * answer, a timeout or a network error throws, so pg-boss retries with backoff.
 */
export class NotificationSender {
  private readonly resolver: Resolver;
  private readonly allowed: ReadonlySet<string>;
  private readonly timeoutMs: number;

  constructor(
    private readonly store: NotificationStore,
    private readonly options: NotificationSenderOptions,
  ) {
    this.resolver = options.resolver ?? systemResolver;
    this.allowed = new Set(options.allowPrivateTargets ?? []);
    this.timeoutMs = options.timeoutMs ?? 10_000;
  }

  async send(job: NotificationJob): Promise<SendOutcome> {
    const target = await this.store.target(job.companyId);
    if (target === null) return "OFF";
    if (notificationUrlProblem(target.url, { production: this.options.production }) !== null) return "REFUSED";
    let addresses: ResolvedAddress[];
    try {
      addresses = await checkedAddresses(hostOf(target.url), this.resolver, this.allowed);
    } catch (error) {
      if (error instanceof RefusedTargetError) return "REFUSED";
      throw error;
    }
    const headers = {
      "Content-Type": "application/json",
      "User-Agent": "bob-integration-gateway",
      [SIGNATURE_HEADER]: signatureOf(target.secret, job.body),
      [EVENT_HEADER]: job.type,
      [DELIVERY_HEADER]: job.eventId,
    };
    const status = await post(new URL(target.url), job.body, headers, addresses, this.timeoutMs);
    if (status < 200 || status > 299) throw new Error(`the notification receiver answered ${status}`);
    return "SENT";
  }
}

function post(
  url: URL,
  body: string,
  headers: Record<string, string>,
  addresses: readonly ResolvedAddress[],
  timeoutMs: number,
): Promise<number> {
  const request = url.protocol === "https:" ? httpsRequest : httpRequest;
  return new Promise<number>((resolve, reject) => {
    const req = request(
      url,
      {
        method: "POST",
        headers: { ...headers, "Content-Length": String(Buffer.byteLength(body)) },
        lookup: pinnedLookup(addresses),
        signal: AbortSignal.timeout(timeoutMs),
        agent: false,
      },
      (res: IncomingMessage) => {
        res.resume(); // the answer's body is ignored, but read so the socket is released
        res.on("error", () => undefined);
        resolve(res.statusCode ?? 0);
      },
    );
    req.on("error", (error) =>
      reject(
        error.name === "AbortError"
          ? new Error(`the notification receiver did not answer within ${timeoutMs} ms`)
          : error,
      ),
    );
    req.end(body);
  });
}

/**
 * Fault knobs for the /v1 API: latency, injected 5xx/429, broken bodies, hangs and refused
 * connections, plus the response-shape variants our client must tolerate. Counters ("...Next")
 * are consumed one per API call; errorRate draws from a seeded PRNG so runs are reproducible.
 */
import { z } from "zod";
import { createRng, type Rng } from "./prng.js";

export type RetryAfterStyle = "retry-after" | "reset-only" | "none";

export const faultSettingsSchema = z
  .object({
    latencyMs: z.number().int().min(0),
    errorRate: z.number().min(0).max(1),
    fail5xxNext: z.number().int().min(0),
    burst429Next: z.number().int().min(0),
    malformedNext: z.number().int().min(0),
    truncatedNext: z.number().int().min(0),
    hangNext: z.number().int().min(0),
    /** Every call by these credentials hangs (ids as the request log names them): one company's Bob stuck. */
    hangCredentials: z.array(z.string().min(1)).max(100),
    refuseConnections: z.boolean(),
    retryAfterStyle: z.enum(["retry-after", "reset-only", "none"]),
    /** people JSON: nested category objects, flat "/work/department": {value}, or both at once. */
    responseStyle: z.enum(["nested", "flat", "both"]),
    /** GET /company/named-lists: object keyed by list name, or an array of {name, items}. */
    namedListsStyle: z.enum(["object", "array"]),
    /** POST /people/{id}: the bare employee object, or wrapped in {"employees": [...]}. */
    singlePersonStyle: z.enum(["bare", "wrapped"]),
  })
  .strict();

export type FaultSettings = z.infer<typeof faultSettingsSchema>;
export const faultPatchSchema = faultSettingsSchema.partial();

export interface FaultControl {
  readonly current: Readonly<FaultSettings>;
  /** Merges the given knobs into the current ones (throws on invalid values). */
  set(patch: Partial<FaultSettings>): void;
  /** Back to the start-up settings (no faults). */
  reset(): void;
}

export type PreFault = { kind: "refuse" } | { kind: "hang" } | { kind: "status"; status: number; retryAfter: boolean };

export const NO_FAULTS: FaultSettings = {
  latencyMs: 0,
  errorRate: 0,
  fail5xxNext: 0,
  burst429Next: 0,
  malformedNext: 0,
  truncatedNext: 0,
  hangNext: 0,
  hangCredentials: [],
  refuseConnections: false,
  retryAfterStyle: "retry-after",
  responseStyle: "nested",
  namedListsStyle: "object",
  singlePersonStyle: "bare",
};

const FAIL_STATUSES = [500, 502, 503] as const;

export class Faults implements FaultControl {
  private state: FaultSettings;
  private failIndex = 0;
  private readonly rng: Rng;

  constructor(
    private readonly baseline: FaultSettings,
    seed: number,
  ) {
    this.state = { ...baseline };
    this.rng = createRng(seed ^ 0x5eed);
  }

  get current(): Readonly<FaultSettings> {
    return this.state;
  }

  set(patch: Partial<FaultSettings>): void {
    this.state = { ...this.state, ...faultPatchSchema.parse(patch) };
  }

  reset(): void {
    this.state = { ...this.baseline };
  }

  /** Decided before the request is handled; consumes one counter at most. */
  before(credentialId: string | null = null): PreFault | null {
    const s = this.state;
    if (s.refuseConnections) return { kind: "refuse" };
    if (credentialId !== null && s.hangCredentials.includes(credentialId)) return { kind: "hang" };
    if (s.hangNext > 0) {
      s.hangNext--;
      return { kind: "hang" };
    }
    if (s.fail5xxNext > 0) {
      s.fail5xxNext--;
      return { kind: "status", status: FAIL_STATUSES[this.failIndex++ % FAIL_STATUSES.length]!, retryAfter: false };
    }
    if (s.burst429Next > 0) {
      s.burst429Next--;
      return { kind: "status", status: 429, retryAfter: true };
    }
    if (s.errorRate > 0 && this.rng.next() < s.errorRate) {
      return { kind: "status", status: FAIL_STATUSES[this.failIndex++ % FAIL_STATUSES.length]!, retryAfter: false };
    }
    return null;
  }

  /** Decided after the real answer is built: how to break its body. */
  after(): "malformed" | "truncated" | null {
    const s = this.state;
    if (s.malformedNext > 0) {
      s.malformedNext--;
      return "malformed";
    }
    if (s.truncatedNext > 0) {
      s.truncatedNext--;
      return "truncated";
    }
    return null;
  }
}

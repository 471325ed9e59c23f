import { z } from "zod";
import { isStorableText } from "../text.js";

/**
 * Bob's webhook events as we read them. v2 payloads are thin (ids only: values are fetched from
 * the API); legacy v1 payloads carried a top-level `employee`. Anything else is not an event.
 */
export type EventDisposition = "FETCH" | "DELETE" | "IGNORE";

export interface BobWebhookEvent {
  readonly type: string;
  readonly employeeIds: readonly string[];
  readonly disposition: EventDisposition;
}

const FETCH_TYPES = new Set([
  "employee.created",
  "employee.updated",
  "employee.joined",
  "employee.left",
  "employee.activated",
  "employee.inactivated",
]);

const storable = (s: string) => isStorableText(s);
const idSchema = z
  .union([z.string().trim().min(1).max(64).refine(storable), z.number().int().nonnegative()])
  .transform(String);

const envelopeSchema = z
  .object({
    type: z.string().trim().min(1).max(128).refine(storable),
    data: z.object({ employeeId: idSchema.optional() }).loose().nullish(),
    employee: z.object({ id: idSchema.optional() }).loose().nullish(),
  })
  .loose();

export function dispositionOf(type: string): EventDisposition {
  if (type === "employee.deleted") return "DELETE";
  if (FETCH_TYPES.has(type)) return "FETCH";
  return "IGNORE"; // table.entry.*, time off, unknown future types
}

/** Parses a verified body; null when it is not a Bob event envelope. */
export function parseBobEvent(body: unknown): BobWebhookEvent | null {
  const parsed = envelopeSchema.safeParse(body);
  if (!parsed.success) return null;
  const id = parsed.data.data?.employeeId ?? parsed.data.employee?.id;
  const disposition = dispositionOf(parsed.data.type);
  // An employee event that names no employee cannot be applied: treat it as not an event.
  if (disposition !== "IGNORE" && !id) return null;
  return { type: parsed.data.type, employeeIds: id ? [id] : [], disposition };
}

/** Bob's connection test: "Ping test" as plain text, or {"text":"Ping test"}. */
export function isPing(raw: string): boolean {
  if (!raw.includes("Ping test")) return false; // every real delivery: no trim, no parse
  const text = raw.trim();
  if (text === "Ping test" || text === '"Ping test"') return true;
  try {
    const body = JSON.parse(text) as unknown;
    return typeof body === "object" && body !== null && (body as { text?: unknown }).text === "Ping test";
  } catch {
    return false;
  }
}

/**
 * Unauthenticated JSON control API under /_control, mirroring CompanyControl, FaultControl,
 * RequestLog and WebhookEmitter so the demo and other processes can drive a running simulator.
 */
import { z } from "zod";
import { json, type SimResponse } from "./api-routes.js";
import type { CredentialInput } from "./auth.js";
import type { Company } from "./company.js";
import { SimError } from "./errors.js";
import type { Faults } from "./faults.js";
import type { MemoryRequestLog } from "./request-log.js";
import { SIM_FIELD_TYPES, type BobScope } from "./types.js";
import type { WebhookSender } from "./webhooks.js";

export interface ControlContext {
  company: Company;
  faults: Faults;
  requests: MemoryRequestLog;
  webhooks: WebhookSender;
  addCredential(c: CredentialInput): void;
  info(): Record<string, unknown>;
  /** GET/POST /companies: the hosted companies (server-wide context only). */
  fleet?: { list(): unknown[]; add(input: z.infer<typeof companySchema>): unknown };
  /** Under /companies/:id: only the routes about one company; faults and the request log stay server-wide. */
  companyScoped?: boolean;
}

/** First path segments a company-scoped context answers. */
const COMPANY_SCOPED = new Set([
  "info",
  "scenarios",
  "employees",
  "fields",
  "named-lists",
  "today",
  "credentials",
  "webhooks",
]);

const scopes = z.array(z.enum(["Full employee read", "Employee fields read"] satisfies [BobScope, BobScope]));
const credentialSchema = z.union([
  z.object({
    kind: z.literal("ACCESS_TOKEN"),
    token: z.string().min(1),
    scopes,
    hiddenCategories: z.array(z.string()).optional(),
    companyId: z.number().int().optional(),
  }),
  z.object({
    kind: z.literal("SERVICE_USER"),
    id: z.string().min(1),
    token: z.string().min(1),
    scopes,
    hiddenCategories: z.array(z.string()).optional(),
    companyId: z.number().int().optional(),
  }),
]);
const companySchema = z
  .object({
    employees: z.number().int().min(0).optional(),
    seed: z.number().int().optional(),
    companyId: z.number().int().positive().optional(),
    accessToken: z.string().min(1).optional(),
    serviceUser: z.object({ id: z.string().min(1), token: z.string().min(1) }).optional(),
    eager: z.boolean().optional(),
  })
  .strict();
const terminateSchema = z.object({
  terminationDate: z.string(),
  terminationReason: z.string(),
  lastDayOfWork: z.string().optional(),
  terminationType: z.string().optional(),
  triggeredBy: z.string().optional(),
});
const reinstateSchema = z.object({ startDate: z.string().optional(), triggeredBy: z.string().optional() });
const fieldSchema = z.object({
  name: z.string(),
  type: z.enum(SIM_FIELD_TYPES as [string, ...string[]]),
  categoryId: z.string().optional(),
  listId: z.string().optional(),
  items: z.array(z.string()).optional(),
  description: z.string().optional(),
});
const listItemSchema = z.object({
  name: z.string(),
  parentId: z.string().optional(),
  archived: z.boolean().optional(),
});
const subscribeSchema = z.object({ url: z.url(), secret: z.string(), events: z.array(z.string()).optional() });
const webhookConfigSchema = z
  .object({
    retryBaseMs: z.number().int().min(0),
    maxAttempts: z.number().int().min(1),
    timeoutMs: z.number().int().min(1),
    fieldUpdatesStyle: z.enum(["objects", "strings"]),
  })
  .partial();

type Body = Record<string, unknown>;

/** Employee values come as {values: {...}} or as the field map itself. */
function valuesOf(body: Body): Record<string, unknown> {
  if (typeof body["values"] === "object" && body["values"] !== null) return body["values"] as Record<string, unknown>;
  const { triggeredBy: _t, ...rest } = body;
  return rest;
}

function by(body: Body): { triggeredBy?: string } {
  return typeof body["triggeredBy"] === "string" ? { triggeredBy: body["triggeredBy"] } : {};
}

export async function handleControl(
  ctx: ControlContext,
  method: string,
  url: URL,
  rawBody: Buffer,
): Promise<SimResponse> {
  try {
    const text = rawBody.toString("utf8").trim();
    const body = (text === "" ? {} : JSON.parse(text)) as Body;
    return await route(ctx, method, url.pathname.replace(/^\/_control/, "") || "/", body, url);
  } catch (err) {
    if (err instanceof SimError) return json(err.status, { key: err.key, error: err.message });
    if (err instanceof z.ZodError)
      return json(400, {
        key: "bad.request",
        error: err.issues.map((i) => `${i.path.join(".")}: ${i.message}`).join("; "),
      });
    if (err instanceof SyntaxError) return json(400, { key: "bad.request", error: "Body is not valid JSON" });
    return json(500, { key: "internal", error: err instanceof Error ? err.message : String(err) });
  }
}

/**
 * GET /requests/count?path=&method=&status=&credentialId=&since=<epoch ms>: how many /v1 calls
 * match, in total and per path, without shipping the log (benchmarks poll it).
 */
function countRequests(log: MemoryRequestLog, q: URLSearchParams): { count: number; byPath: Record<string, number> } {
  const since = q.get("since") === null ? null : Number(q.get("since"));
  const status = q.get("status") === null ? null : Number(q.get("status"));
  const byPath: Record<string, number> = {};
  let count = 0;
  for (const e of log.entries) {
    if (q.get("path") !== null && e.path !== q.get("path")) continue;
    if (q.get("method") !== null && e.method !== q.get("method")) continue;
    if (q.get("credentialId") !== null && e.credentialId !== q.get("credentialId")) continue;
    if (q.get("companyId") !== null && String(e.companyId) !== q.get("companyId")) continue;
    if (status !== null && e.status !== status) continue;
    if (since !== null && e.at < since) continue;
    count++;
    byPath[e.path] = (byPath[e.path] ?? 0) + 1;
  }
  return { count, byPath };
}

/** "GET /employees/:id/terminate" style key with path parameters collected in order. */
function matchKey(method: string, path: string): { key: string; params: string[] } {
  const seg = path.split("/").filter(Boolean).map(decodeURIComponent);
  const params: string[] = [];
  const shape = seg.map((s, i) => {
    // Parameters sit at fixed positions: /employees/:id/..., /fields/:id, /named-lists/:name/items, /webhooks/subscriptions/:id.
    const isParam =
      (i === 1 && (seg[0] === "employees" || seg[0] === "fields" || seg[0] === "named-lists")) ||
      (i === 2 && seg[0] === "webhooks" && seg[1] === "subscriptions");
    if (isParam) params.push(s);
    return isParam ? ":p" : s;
  });
  return { key: `${method} /${shape.join("/")}`, params };
}

async function route(ctx: ControlContext, method: string, path: string, body: Body, url: URL): Promise<SimResponse> {
  // ctx.company is read only by the routes that need it: for a hosted company it generates the people.
  const { key, params } = matchKey(method, path);
  const b = params[0];
  const d = params[0];
  if (ctx.companyScoped && !COMPANY_SCOPED.has(path.split("/")[1] ?? ""))
    return json(404, { key: "not.found", error: `No company route ${method} ${url.pathname}` });
  switch (key) {
    case "GET /info":
      return json(200, ctx.info());
    case "GET /scenarios":
      return json(200, ctx.company.scenarios);
    case "GET /employees":
      return json(200, ctx.company.employees());
    case "POST /employees":
      return json(201, { id: ctx.company.createEmployee(valuesOf(body), by(body)) });
    case "GET /employees/:p": {
      const e = ctx.company.employee(b!);
      return e ? json(200, e) : json(404, { key: "not.found", error: `Employee ${b} not found` });
    }
    case "PATCH /employees/:p":
      return json(200, { id: ctx.company.updateEmployee(b!, valuesOf(body), by(body)) });
    case "DELETE /employees/:p":
      return json(200, { id: ctx.company.deleteEmployee(b!, by(body)) });
    case "POST /employees/:p/terminate": {
      const t = terminateSchema.parse(body);
      const { triggeredBy: _t, ...input } = t;
      return json(200, { id: ctx.company.terminateEmployee(b!, input, by(body)) });
    }
    case "POST /employees/:p/reinstate": {
      const r = reinstateSchema.parse(body);
      return json(200, {
        id: ctx.company.reinstateEmployee(b!, r.startDate === undefined ? {} : { startDate: r.startDate }, by(body)),
      });
    }
    case "GET /fields":
      return json(200, ctx.company.fields());
    case "POST /fields": {
      const f = fieldSchema.parse(body);
      return json(201, ctx.company.createField(f as Parameters<Company["createField"]>[0]));
    }
    case "DELETE /fields/:p":
      ctx.company.deleteField(b!);
      return json(200, { id: b });
    case "GET /named-lists":
      return json(200, ctx.company.namedLists());
    case "POST /named-lists/:p/items":
      return json(201, ctx.company.addListItem(b!, listItemSchema.parse(body) as { name: string }));
    case "GET /faults":
      return json(200, ctx.faults.current);
    case "POST /faults":
      ctx.faults.set(body);
      return json(200, ctx.faults.current);
    case "DELETE /faults":
      ctx.faults.reset();
      return json(200, ctx.faults.current);
    case "GET /requests":
      return json(200, { count: ctx.requests.count(), entries: ctx.requests.entries });
    case "GET /requests/count":
      return json(200, countRequests(ctx.requests, url.searchParams));
    case "DELETE /requests":
      ctx.requests.clear();
      return json(200, { count: 0 });
    case "GET /today":
      return json(200, { today: ctx.company.today() });
    case "POST /today":
      ctx.company.setToday(z.object({ today: z.string() }).parse(body).today);
      return json(200, { today: ctx.company.today() });
    case "POST /credentials":
      ctx.addCredential(credentialSchema.parse(body));
      return json(201, { ok: true });
    case "GET /companies":
      if (!ctx.fleet) break;
      return json(200, ctx.fleet.list());
    case "POST /companies":
      if (!ctx.fleet) break;
      return json(201, ctx.fleet.add(companySchema.parse(body)));
    case "GET /webhooks/subscriptions":
      return json(200, ctx.webhooks.subscriptions);
    case "POST /webhooks/subscriptions":
      return json(201, ctx.webhooks.subscribe(subscribeSchema.parse(body)));
    case "DELETE /webhooks/subscriptions/:p":
      ctx.webhooks.unsubscribe(d!);
      return json(200, { id: d });
    case "POST /webhooks/ping":
      return json(
        200,
        await ctx.webhooks.ping(typeof body["subscriptionId"] === "string" ? body["subscriptionId"] : undefined),
      );
    case "POST /webhooks/emit":
      ctx.webhooks.emit(
        body["event"],
        typeof body["subscriptionId"] === "string" ? { subscriptionId: body["subscriptionId"] } : {},
      );
      return json(202, { queued: true });
    case "POST /webhooks/config":
      ctx.webhooks.configure(webhookConfigSchema.parse(body) as Parameters<WebhookSender["configure"]>[0]);
      return json(200, ctx.webhooks.options);
    case "GET /webhooks/deliveries":
      return json(200, ctx.webhooks.deliveries);
    case "GET /webhooks/idle":
      await ctx.webhooks.idle();
      return json(200, { idle: true });
  }
  return json(404, { key: "not.found", error: `No control route ${method} ${url.pathname}` });
}

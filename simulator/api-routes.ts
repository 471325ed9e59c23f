/**
 * The Bob public API (/v1): route -> auth (401) -> scope (403) -> rate limit (429, people
 * search only) -> body validation (400) -> answer. Returns a plain response description; the
 * server applies transport faults on top.
 */
import { z } from "zod";
import type { CredentialKind, CredentialStore, ResolvedCredential } from "./auth.js";
import type { Company } from "./company.js";
import type { FaultSettings } from "./faults.js";
import type { RateDecision, RateLimiter } from "./rate-limit.js";
import { renderEmployees, type HumanReadableMode, type RenderOptions } from "./render.js";
import type { BobScope, EmployeeRecord, ListItem, NamedList } from "./types.js";

export interface SimResponse {
  status: number;
  headers: Record<string, string>;
  body: string;
}

export interface ApiContext {
  /** The company a credential belongs to: a credential never sees another company's data. */
  companyOf(cred: ResolvedCredential): Company;
  credentials: CredentialStore;
  limiter: RateLimiter;
  settings(): Readonly<FaultSettings>;
}

export interface ApiRequest {
  method: string;
  url: URL;
  authorization: string | undefined;
  body: Buffer;
}

export const MAX_FIELDS = 400;

const JSON_TYPE = { "content-type": "application/json; charset=utf-8" };

export function json(status: number, value: unknown, headers: Record<string, string> = {}): SimResponse {
  return { status, headers: { ...JSON_TYPE, ...headers }, body: JSON.stringify(value) };
}

export function bobError(
  status: number,
  key: string,
  error: string,
  headers: Record<string, string> = {},
): SimResponse {
  return json(status, { key, error }, headers);
}

type Route =
  | { kind: "search" }
  | { kind: "person"; identifier: string }
  | { kind: "fields" }
  | { kind: "lists" }
  | { kind: "list"; name: string };

const SCOPE_OF: Record<Route["kind"], BobScope> = {
  search: "Full employee read",
  person: "Full employee read",
  fields: "Employee fields read",
  lists: "Employee fields read",
  list: "Employee fields read",
};

function matchRoute(method: string, path: string): Route | "method" | null {
  const post = method === "POST";
  const get = method === "GET";
  if (path === "/v1/people/search") return post ? { kind: "search" } : "method";
  const person = /^\/v1\/people\/([^/]+)$/.exec(path);
  if (person) return post ? { kind: "person", identifier: decodeURIComponent(person[1]!) } : "method";
  if (path === "/v1/company/people/fields") return get ? { kind: "fields" } : "method";
  if (path === "/v1/company/named-lists") return get ? { kind: "lists" } : "method";
  const list = /^\/v1\/company\/named-lists\/([^/]+)$/.exec(path);
  if (list) return get ? { kind: "list", name: decodeURIComponent(list[1]!) } : "method";
  return null;
}

export function rateHeaders(d: RateDecision): Record<string, string> {
  return {
    "x-ratelimit-limit": String(d.limit),
    "x-ratelimit-remaining": String(d.remaining),
    "x-ratelimit-reset": String(d.resetEpochSeconds),
  };
}

/** 429 headers in the style the fault knob asks for, so clients' fallbacks get exercised. */
export function tooManyRequests(d: RateDecision, style: FaultSettings["retryAfterStyle"]): SimResponse {
  const headers =
    style === "none"
      ? {}
      : style === "reset-only"
        ? rateHeaders(d)
        : { ...rateHeaders(d), "retry-after": String(d.retryAfterSeconds) };
  return bobError(
    429,
    "too.many.requests",
    "Rate limit exceeded. Check the rate limit headers and retry later.",
    headers,
  );
}

export function handleApi(
  ctx: ApiContext,
  req: ApiRequest,
): { response: SimResponse; credentialKind: CredentialKind | null } {
  const cred = ctx.credentials.resolve(req.authorization);
  const credentialKind = cred?.kind ?? null;
  const route = matchRoute(req.method, req.url.pathname);
  if (route === null) return { response: bobError(404, "not.found", `No API at ${req.url.pathname}`), credentialKind };
  if (route === "method")
    return { response: bobError(405, "method.not.allowed", `${req.method} is not allowed here`), credentialKind };
  if (!cred)
    return {
      response: bobError(401, "unauthorized", "Unauthorized. The credential is missing, invalid or revoked."),
      credentialKind,
    };
  const scope = SCOPE_OF[route.kind];
  if (!cred.scopes.has(scope)) {
    return {
      response: bobError(
        403,
        "forbidden",
        `Forbidden. The credential does not have permission for this action (requires "${scope}").`,
      ),
      credentialKind,
    };
  }
  return { response: answer(ctx, route, cred, req), credentialKind };
}

function answer(ctx: ApiContext, route: Route, cred: ResolvedCredential, req: ApiRequest): SimResponse {
  const company = ctx.companyOf(cred);
  switch (route.kind) {
    case "fields":
      return json(200, company.fields());
    case "lists":
      return namedLists(ctx, company, req.url);
    case "list": {
      const list = company.list(route.name);
      if (!list) return bobError(404, "not.found", `Named list ${route.name} not found`);
      return json(200, visibleList(list, includeArchived(req.url)));
    }
    case "search":
    case "person": {
      // Both people endpoints share Bob's "people search" budget.
      const decision = ctx.limiter.take(cred.key);
      if (!decision.allowed) return tooManyRequests(decision, ctx.settings().retryAfterStyle);
      const response =
        route.kind === "search"
          ? search(ctx, company, cred, req.body)
          : person(ctx, company, cred, route.identifier, req.body);
      response.headers = { ...response.headers, ...rateHeaders(decision) };
      return response;
    }
  }
}

// ---- people ----------------------------------------------------------------------------------

const searchBody = z.object({
  fields: z.array(z.string()).optional(),
  filters: z.array(z.unknown()).optional(),
  showInactive: z.boolean().optional(),
  humanReadable: z.enum(["APPEND", "REPLACE"]).optional(),
});

const personBody = searchBody.pick({ fields: true, humanReadable: true });

const filterSchema = z.object({
  fieldPath: z.enum(["root.id", "root.email"], { error: "fieldPath must be root.id or root.email" }),
  operator: z.literal("equals", { error: "operator must be equals" }),
  values: z.array(z.string()).min(1, { error: "values must be a non-empty list" }),
});

function parseJsonBody(raw: Buffer): { ok: true; value: unknown } | { ok: false } {
  const text = raw.toString("utf8").trim();
  if (text === "") return { ok: true, value: {} };
  try {
    return { ok: true, value: JSON.parse(text) };
  } catch {
    return { ok: false };
  }
}

function invalid(message: string): SimResponse {
  return bobError(400, "bad.request", message);
}

function renderOptions(
  ctx: ApiContext,
  cred: ResolvedCredential,
  fields: string[] | undefined,
  hr: HumanReadableMode,
): RenderOptions {
  return {
    fieldIds: fields,
    humanReadable: hr,
    responseStyle: ctx.settings().responseStyle,
    hiddenCategories: cred.hiddenCategories,
  };
}

function search(ctx: ApiContext, company: Company, cred: ResolvedCredential, raw: Buffer): SimResponse {
  const parsedJson = parseJsonBody(raw);
  if (!parsedJson.ok) return invalid("Request body is not valid JSON");
  const parsed = searchBody.safeParse(parsedJson.value);
  if (!parsed.success) return invalid(parsed.error.issues.map((i) => `${i.path.join(".")}: ${i.message}`).join("; "));
  const body = parsed.data;
  if (body.fields && body.fields.length > MAX_FIELDS)
    return invalid(`Too many fields: at most ${MAX_FIELDS} field ids per request`);
  const filters = body.filters ?? [];
  if (filters.length > 1) return invalid("Only one filter is supported");

  let candidates: Iterable<EmployeeRecord> = company.records();
  const first = filters[0];
  if (first !== undefined) {
    const f = filterSchema.safeParse(first);
    if (!f.success) return invalid(`Invalid filter: ${f.error.issues.map((i) => i.message).join("; ")}`);
    const ids =
      f.data.fieldPath === "root.id" ? f.data.values : f.data.values.flatMap((email) => company.idsByEmail(email));
    const seen = new Set<string>();
    const matched: EmployeeRecord[] = [];
    for (const id of ids) {
      const e = company.record(id);
      if (e && !seen.has(id)) {
        seen.add(id);
        matched.push(e);
      }
    }
    candidates = matched;
  }
  const visible: EmployeeRecord[] = [];
  const showInactive = body.showInactive ?? false;
  for (const e of candidates) if (showInactive || company.lifecycle(e).status === "Active") visible.push(e);
  const employees = renderEmployees(
    company,
    visible,
    renderOptions(ctx, cred, body.fields, body.humanReadable ?? "NONE"),
  );
  return json(200, { employees });
}

function person(
  ctx: ApiContext,
  company: Company,
  cred: ResolvedCredential,
  identifier: string,
  raw: Buffer,
): SimResponse {
  const parsedJson = parseJsonBody(raw);
  if (!parsedJson.ok) return invalid("Request body is not valid JSON");
  const parsed = personBody.safeParse(parsedJson.value);
  if (!parsed.success) return invalid(parsed.error.issues.map((i) => `${i.path.join(".")}: ${i.message}`).join("; "));
  if (parsed.data.fields && parsed.data.fields.length > MAX_FIELDS)
    return invalid(`Too many fields: at most ${MAX_FIELDS} field ids per request`);
  const id = identifier.includes("@") ? company.idsByEmail(identifier)[0] : identifier;
  const e = id === undefined ? undefined : company.record(id);
  if (!e) return bobError(404, "not.found", `Employee ${identifier} not found`);
  const [employee] = renderEmployees(
    company,
    [e],
    renderOptions(ctx, cred, parsed.data.fields, parsed.data.humanReadable ?? "NONE"),
  );
  return json(200, ctx.settings().singlePersonStyle === "wrapped" ? { employees: [employee] } : employee);
}

// ---- named lists -------------------------------------------------------------------------------

function includeArchived(url: URL): boolean {
  return url.searchParams.get("includeArchived") === "true";
}

function visibleItems(items: readonly ListItem[], archived: boolean): ListItem[] {
  return items
    .filter((i) => archived || !i.archived)
    .map((i) => ({
      id: i.id,
      name: i.name,
      value: i.value,
      archived: i.archived,
      children: visibleItems(i.children, archived),
    }));
}

function visibleList(list: NamedList, archived: boolean): NamedList {
  return { name: list.name, items: visibleItems(list.items, archived) };
}

function namedLists(ctx: ApiContext, company: Company, url: URL): SimResponse {
  const archived = includeArchived(url);
  const lists = company.namedListsLive().map((l) => visibleList(l, archived));
  if (ctx.settings().namedListsStyle === "array") return json(200, lists);
  return json(200, Object.fromEntries(lists.map((l) => [l.name, l])));
}

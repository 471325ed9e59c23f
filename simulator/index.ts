/**
 * Bob simulator: a real HTTP server speaking HiBob's public API (/v1) plus an unauthenticated
 * control API (/_control), used by tests, the demo and benchmarks instead of the real Bob.
 * It imitates Bob's public API as documented, quirks included.
 */
import { createHash } from "node:crypto";
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo, Socket } from "node:net";
import { bobError, handleApi, json, tooManyRequests, type SimResponse } from "./api-routes.js";
import { ALL_SCOPES, CredentialStore, type CredentialInput } from "./auth.js";
import type { CompanyControl } from "./company.js";
import { handleControl, type ControlContext } from "./control-routes.js";
import { isIsoDate, realToday } from "./dates.js";
import { SimError, badRequest, notFoundError } from "./errors.js";
import { Faults, NO_FAULTS, type FaultControl, type FaultSettings } from "./faults.js";
import { generatedCompanyId } from "./generator.js";
import { RateLimiter } from "./rate-limit.js";
import { MemoryRequestLog, type RequestLog } from "./request-log.js";
import { GeneratedBudget, Tenant } from "./tenants.js";
import type { BobScope } from "./types.js";
import type { WebhookEmitter, WebhookOptions } from "./webhooks.js";

export type { BobScope };
export type {
  CompanyControl,
  EmployeeSnapshot,
  EmployeeValues,
  TerminationInput,
  CreateFieldInput,
  MutationOptions,
} from "./company.js";
export type { FaultControl, FaultSettings, RetryAfterStyle } from "./faults.js";
export type { RequestLog, RequestLogEntry, RequestFilter } from "./request-log.js";
export type { WebhookEmitter, WebhookOptions, WebhookDelivery, WebhookSubscription, PingResult } from "./webhooks.js";
export type { CredentialInput } from "./auth.js";
export type { BobFieldJson, ListItem, NamedList, GeneratedScenarios, SimFieldType } from "./types.js";
export { bobSignature } from "./webhooks.js";
export { generateCompany } from "./generator.js";
export { fleetMix, type FleetMixOptions } from "./fleet-mix.js";

export interface SimulatorOptions {
  /** 0 (default) = a random free port. */
  port?: number;
  /** Default 127.0.0.1. */
  host?: string;
  /** Drives the generator, ids, default credentials and the errorRate fault. Default 1. */
  seed?: number;
  /** Generate a company of N; default 0 = empty company with only standard fields and lists. */
  employees?: number;
  /** YYYY-MM-DD used by the generator and lifecycle; default the real (UTC) today. */
  today?: string;
  /** People-search budget per credential per rolling window. Default 50 (Bob's documented limit). */
  peopleSearchPerMinute?: number;
  /** Rolling window of the people-search limit; default 60,000 ms. */
  rateLimitWindowMs?: number;
  /** Clock for rate limiting (epoch ms); tests inject one to "wait" a minute instantly. */
  now?: () => number;
  /** People JSON shape: nested category objects (default), flat "/work/x": {value}, or both. */
  responseStyle?: FaultSettings["responseStyle"];
  /** GET /company/named-lists: object keyed by name (default) or array of {name, items}. */
  namedListsStyle?: FaultSettings["namedListsStyle"];
  /** Start-up shape/fault settings; faults.reset() returns to these. */
  faults?: Partial<FaultSettings>;
  webhooks?: Partial<WebhookOptions>;
  /** Override the default all-scopes credentials (otherwise derived from the seed). */
  accessToken?: string;
  serviceUser?: { id: string; token: string };
  /** More companies beside the default one, each behind its own credentials (as addCompany). */
  companies?: AddCompanyInput[];
  /**
   * People kept generated across companies read only through /v1; past it the least recently
   * read are dropped and generated again on their next read. Default no limit.
   */
  maxGeneratedPeople?: number;
}

export type AddCredentialInput = (
  | { kind: "ACCESS_TOKEN"; token: string; scopes: BobScope[]; hiddenCategories?: string[] }
  | { kind: "SERVICE_USER"; id: string; token: string; scopes: BobScope[]; hiddenCategories?: string[] }
) & {
  /** The company the credential reads; default the default company (`sim.company`). */
  companyId?: number;
};

export interface AddCompanyInput {
  /** Generated people; default 0 (standard fields and lists only). */
  employees?: number;
  /** Drives the generator and the derived credentials; default the simulator's seed + the company's index. */
  seed?: number;
  /** Default the id the seed derives, or the next free one when another company has it. */
  companyId?: number;
  /** Override the company's all-scopes credentials (otherwise derived from the seed and company id). */
  accessToken?: string;
  serviceUser?: { id: string; token: string };
  webhooks?: Partial<WebhookOptions>;
  /** Generate the people now rather than on the company's first use (the default, cheap for fleets). */
  eager?: boolean;
}

export interface CompanyHandle {
  readonly companyId: number;
  /** Generates the company on the first call that needs its state. */
  readonly control: CompanyControl;
  /** Both carry every scope and see only this company. */
  readonly credentials: { accessToken: string; serviceUser: { id: string; token: string } };
  readonly webhooks: WebhookEmitter;
  /** Whether the people exist yet (first use generates them). */
  readonly generated: boolean;
}

export interface BobSimulator {
  /** Bob's API base including /v1, e.g. "http://127.0.0.1:41234/v1". */
  readonly baseUrl: string;
  /** "http://127.0.0.1:41234". */
  readonly origin: string;
  /** origin + "/_control". */
  readonly controlUrl: string;
  /** Both carry every scope and see the default company. */
  readonly credentials: { accessToken: string; serviceUser: { id: string; token: string } };
  addCredential(c: AddCredentialInput): void;
  /** Hosts one more company behind the same base URL; its credentials see only it. */
  addCompany(input?: AddCompanyInput): CompanyHandle;
  /** Every hosted company, the default one first. */
  readonly companies: readonly CompanyHandle[];
  /** Bob forgets a credential (a deleted service user, a revoked token): its calls are answered 401. */
  revokeCredential(
    c: { kind: "ACCESS_TOKEN"; token: string } | { kind: "SERVICE_USER"; id: string; token: string },
  ): boolean;
  /** The default company. */
  readonly company: CompanyControl;
  readonly faults: FaultControl;
  readonly requests: RequestLog;
  readonly webhooks: WebhookEmitter;
  /** Closes the server, open sockets, pending hangs and webhook retries. */
  close(): Promise<void>;
}

function derive(seed: number, label: string, length: number): string {
  return createHash("sha256").update(`${label}:${seed}`).digest("hex").slice(0, length);
}

const MAX_BODY_BYTES = 10 * 1024 * 1024;

function readBody(req: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on("data", (c: Buffer) => {
      size += c.length;
      if (size > MAX_BODY_BYTES) req.destroy(new Error("body too large"));
      else chunks.push(c);
    });
    req.on("end", () => resolve(Buffer.concat(chunks)));
    req.on("error", reject);
  });
}

function write(res: ServerResponse, r: SimResponse, bodyOverride?: Buffer): void {
  const body = bodyOverride ?? Buffer.from(r.body, "utf8");
  res.writeHead(r.status, { ...r.headers, "content-length": String(body.length) });
  res.end(body);
}

/** What an overloaded gateway in front of Bob answers: not always JSON. */
function injectedStatus(
  status: number,
  retryAfter: boolean,
  style: FaultSettings["retryAfterStyle"],
  limit: number,
): SimResponse {
  if (status === 429 && retryAfter) {
    const now = Date.now();
    return tooManyRequests(
      { allowed: false, limit, remaining: 0, resetEpochSeconds: Math.ceil(now / 1000) + 1, retryAfterSeconds: 1 },
      style,
    );
  }
  if (status === 500) return bobError(500, "internal.error", "Internal server error");
  return {
    status,
    headers: { "content-type": "text/html" },
    body: `<html><body><h1>${status}</h1>Service temporarily unavailable</body></html>`,
  };
}

export async function startBobSimulator(opts: SimulatorOptions = {}): Promise<BobSimulator> {
  const seed = opts.seed ?? 1;
  const today = opts.today ?? realToday();
  if (!isIsoDate(today)) throw new Error(`today must be YYYY-MM-DD, got ${today}`);
  const tenants = new Map<number, Tenant>();
  const handles: CompanyHandle[] = [];
  const handlesById = new Map<number, CompanyHandle>();
  const track = (h: CompanyHandle): void => {
    handles.push(h);
    handlesById.set(h.companyId, h);
  };
  const defaultTenant = new Tenant({
    companyId: generatedCompanyId(seed),
    seed,
    employees: opts.employees ?? 0,
    today,
    ...(opts.webhooks ? { webhooks: opts.webhooks } : {}),
  });
  tenants.set(defaultTenant.companyId, defaultTenant);
  const budget = new GeneratedBudget(opts.maxGeneratedPeople ?? Infinity);
  // The default company is generated at start-up, as it always was.
  const company = defaultTenant.company;
  const faults = new Faults(
    {
      ...NO_FAULTS,
      ...(opts.responseStyle ? { responseStyle: opts.responseStyle } : {}),
      ...(opts.namedListsStyle ? { namedListsStyle: opts.namedListsStyle } : {}),
      ...opts.faults,
    },
    seed,
  );
  const limiter = new RateLimiter(
    opts.peopleSearchPerMinute ?? 50,
    opts.rateLimitWindowMs ?? 60_000,
    opts.now ?? Date.now,
  );
  const requests = new MemoryRequestLog();
  const webhooks = defaultTenant.webhooks;

  const store = new CredentialStore();
  const credentials = {
    accessToken: opts.accessToken ?? `bobsim_${derive(seed, "token", 32)}`,
    serviceUser: opts.serviceUser ?? {
      id: `SERVICE-${derive(seed, "su-id", 6).toUpperCase()}`,
      token: derive(seed, "su-token", 40),
    },
  };
  const addCredential = (c: CredentialInput): void => {
    const companyId = c.companyId ?? company.companyId;
    if (!tenants.has(companyId)) throw notFoundError(`Company ${companyId} not found`);
    store.add({ ...c, companyId });
  };
  const addCompanyCredentials = (companyId: number, c: CompanyHandle["credentials"]): void => {
    addCredential({ kind: "ACCESS_TOKEN", token: c.accessToken, scopes: [...ALL_SCOPES], companyId });
    addCredential({
      kind: "SERVICE_USER",
      id: c.serviceUser.id,
      token: c.serviceUser.token,
      scopes: [...ALL_SCOPES],
      companyId,
    });
  };
  addCompanyCredentials(company.companyId, credentials);
  track({
    companyId: company.companyId,
    control: company,
    credentials,
    webhooks,
    get generated() {
      return true;
    },
  });

  const addCompany = (input: AddCompanyInput = {}): CompanyHandle => {
    const employees = input.employees ?? 0;
    if (!Number.isInteger(employees) || employees < 0) throw badRequest("employees must be a non-negative integer");
    const companySeed = input.seed ?? seed + handles.length;
    let companyId: number;
    if (input.companyId !== undefined) {
      if (!Number.isSafeInteger(input.companyId) || input.companyId <= 0)
        throw badRequest("companyId must be a positive integer");
      if (tenants.has(input.companyId)) throw new SimError(409, "conflict", `Company ${input.companyId} exists`);
      companyId = input.companyId;
    } else {
      // Seeds map to 100,000 ids, so a fleet of thousands meets clashes: take the next free id.
      companyId = generatedCompanyId(companySeed);
      while (tenants.has(companyId)) companyId++;
    }
    // The company id is part of the derivation: two companies with the same seed get distinct credentials.
    const companyCredentials = {
      accessToken: input.accessToken ?? `bobsim_${derive(companySeed, `token:${companyId}`, 32)}`,
      serviceUser: input.serviceUser ?? {
        id: `SERVICE-${derive(companySeed, `su-id:${companyId}`, 8).toUpperCase()}`,
        token: derive(companySeed, `su-token:${companyId}`, 40),
      },
    };
    if (
      store.has({ kind: "ACCESS_TOKEN", token: companyCredentials.accessToken }) ||
      store.has({ kind: "SERVICE_USER", ...companyCredentials.serviceUser })
    )
      throw new SimError(409, "conflict", "Another company already has these credentials");
    const tenant = new Tenant({
      companyId,
      seed: companySeed,
      employees,
      today,
      ...(input.webhooks ? { webhooks: input.webhooks } : {}),
    });
    tenants.set(companyId, tenant);
    addCompanyCredentials(companyId, companyCredentials);
    if (input.eager) void tenant.company;
    const handle: CompanyHandle = {
      companyId,
      control: tenant.control,
      credentials: companyCredentials,
      webhooks: tenant.webhooks,
      get generated() {
        return tenant.isGenerated;
      },
    };
    track(handle);
    return handle;
  };
  for (const c of opts.companies ?? []) addCompany(c);

  const sockets = new Set<Socket>();
  const hanging = new Set<ServerResponse>();
  const timers = new Set<NodeJS.Timeout>();
  let origin = "";
  const delay = (ms: number): Promise<void> =>
    new Promise((resolve) => {
      const t = setTimeout(() => {
        timers.delete(t);
        resolve();
      }, ms);
      timers.add(t);
    });

  const companySummary = (h: CompanyHandle): Record<string, unknown> => ({
    companyId: h.companyId,
    employees: tenants.get(h.companyId)!.spec.employees,
    generated: h.generated,
    credentials: h.credentials,
  });
  const fleet: ControlContext["fleet"] = {
    list: () => handles.map(companySummary),
    add: (input) => companySummary(addCompany(input)),
  };
  const controlCtx: ControlContext = {
    company,
    faults,
    requests,
    webhooks,
    addCredential,
    fleet,
    info: () => ({
      baseUrl: `${origin}/v1`,
      origin,
      controlUrl: `${origin}/_control`,
      credentials,
      companyId: company.companyId,
      today: company.today(),
    }),
  };

  /** /_control/companies/:companyId/... drives that company with the same routes (rewrites `url`). */
  const companyControlCtx = (url: URL): ControlContext | "missing" | null => {
    const m = /^\/_control\/companies\/(\d+)(\/.*)?$/.exec(url.pathname);
    if (!m) return null;
    const tenant = tenants.get(Number(m[1]));
    if (!tenant) return "missing";
    url.pathname = `/_control${m[2] ?? "/info"}`;
    const h = handlesById.get(tenant.companyId)!;
    return {
      get company() {
        return tenant.company;
      },
      faults,
      requests,
      webhooks: tenant.webhooks,
      addCredential: (c) => addCredential({ ...c, companyId: c.companyId ?? tenant.companyId }),
      companyScoped: true,
      info: () => ({
        baseUrl: `${origin}/v1`,
        origin,
        controlUrl: `${origin}/_control/companies/${tenant.companyId}`,
        credentials: h.credentials,
        companyId: tenant.companyId,
        generated: tenant.isGenerated,
        today: tenant.isGenerated ? tenant.company.today() : today,
      }),
    };
  };

  const handle = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const url = new URL(req.url ?? "/", origin);
    const method = req.method ?? "GET";
    if (url.pathname === "/_control" || url.pathname.startsWith("/_control/")) {
      const scoped = companyControlCtx(url);
      if (scoped === "missing") write(res, json(404, { key: "not.found", error: `No company at ${url.pathname}` }));
      else write(res, await handleControl(scoped ?? controlCtx, method, url, await readBody(req)));
      return;
    }
    const at = Date.now();
    const resolved = store.resolve(req.headers.authorization);
    const credentialKind = resolved?.kind ?? null;
    const credentialId = resolved?.label ?? null;
    const companyId = resolved?.companyId ?? null;
    const log = (status: number): void =>
      requests.add({ method, path: url.pathname, status, credentialKind, credentialId, companyId, at });
    const pre = faults.before(credentialId);
    if (pre?.kind === "refuse") {
      log(0);
      req.socket.destroy();
      return;
    }
    if (pre?.kind === "hang") {
      log(0);
      hanging.add(res);
      res.on("close", () => hanging.delete(res));
      return;
    }
    const body = await readBody(req);
    if (faults.current.latencyMs > 0) await delay(faults.current.latencyMs);
    let response: SimResponse;
    if (pre?.kind === "status") {
      response = injectedStatus(pre.status, pre.retryAfter, faults.current.retryAfterStyle, limiter.limit);
    } else {
      response = handleApi(
        {
          companyOf: (cred) => budget.read(tenants.get(cred.companyId) ?? defaultTenant),
          credentials: store,
          limiter,
          settings: () => faults.current,
        },
        { method, url, authorization: req.headers.authorization, body },
      ).response;
    }
    const mangle = faults.after();
    log(response.status);
    if (mangle === "malformed") {
      write(
        res,
        { ...response, headers: { "content-type": "application/json" } },
        Buffer.from('<html><body>Bob is having a moment</body></html>{"employees":['),
      );
    } else if (mangle === "truncated") {
      const full = Buffer.from(response.body, "utf8");
      // A valid beginning cut mid-way; Content-Length is honest for the cut body.
      write(res, response, full.subarray(0, Math.max(1, Math.floor(full.length / 2))));
    } else {
      write(res, response);
    }
  };

  const server = createServer((req, res) => {
    handle(req, res).catch((err: unknown) => {
      if (!res.headersSent)
        write(res, json(500, { key: "internal.error", error: err instanceof Error ? err.message : String(err) }));
      else res.destroy();
    });
  });
  server.on("connection", (s) => {
    sockets.add(s);
    s.on("close", () => sockets.delete(s));
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(opts.port ?? 0, opts.host ?? "127.0.0.1", () => {
      server.off("error", reject);
      resolve();
    });
  });
  const addr = server.address() as AddressInfo;
  const host = addr.family === "IPv6" ? `[${addr.address}]` : addr.address;
  origin = `http://${host}:${addr.port}`;

  let closing: Promise<void> | null = null;
  return {
    baseUrl: `${origin}/v1`,
    origin,
    controlUrl: `${origin}/_control`,
    credentials,
    addCredential,
    addCompany,
    companies: handles,
    revokeCredential: (c) => store.revoke(c),
    company,
    faults,
    requests,
    webhooks,
    close(): Promise<void> {
      closing ??= new Promise<void>((resolve) => {
        for (const t of tenants.values()) t.webhooks.close();
        for (const t of timers) clearTimeout(t);
        timers.clear();
        for (const r of hanging) r.destroy();
        hanging.clear();
        server.close(() => resolve());
        for (const s of sockets) s.destroy();
      });
      return closing;
    },
  };
}

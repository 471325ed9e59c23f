import { z } from "zod";

/**
 * The gateway's configuration, read once from the environment at start-up and validated here so
 * a typo fails loudly before anything listens. Names are a public contract (README, "Configuration").
 */
export type DatabaseTarget =
  | { readonly kind: "postgres"; readonly url: string }
  | {
      readonly kind: "pglite";
      readonly dataDir: string | null /* null = in memory */;
      /** PGLITE_THREAD=off: the database runs on the gateway's main thread (absent: a thread of its own). */
      readonly inProcess?: boolean;
    };

export interface GatewayConfig {
  readonly port: number;
  readonly host: string;
  readonly database: DatabaseTarget;
  readonly bobApiUrl: string;
  /** Per-request timeout for the sync's Bob calls (large companies answer slowly). */
  readonly bobSyncTimeoutMs: number;
  /** Directory records kept in memory between full syncs, all companies together (0: none). */
  readonly directoryCacheEmployees: number;
  readonly publicUrl: string;
  readonly production: boolean;
  /** Where development secrets and the default embedded database live. */
  readonly dataDir: string;
  readonly jwtSecret?: string;
  /** JWT_MAX_AGE: the longest a caller token may live, in seconds (exp after iat and after now). */
  readonly jwtMaxAgeSeconds: number;
  readonly encryptionKey?: string;
  /** Comma-separated base64 keys that sealed older values; kept only to open them (rotation). */
  readonly previousEncryptionKeys?: readonly string[];
  /** RETENTION_DAYS: runs, deliveries and employee history older than this are deleted daily (absent: 90). */
  readonly retentionDays?: number;
  /** SYNC_CONCURRENCY: full syncs of different companies one process runs at once (absent: 2). */
  readonly syncConcurrency?: number;
  /**
   * QUERY_THREAD: heavy read queries run in a thread of their own at a lower priority, so that
   * webhooks, /healthz and light queries keep their latency (not with PGLITE_THREAD=off; absent:
   * off, the environment's default is on).
   */
  readonly queryThread?: boolean;
  /** METRICS_TOKEN: the bearer token GET /metrics asks for (absent: /metrics answers 404). */
  readonly metricsToken?: string;
  readonly logLevel: string;
}

/** Full syncs of different companies one process runs at once, unless SYNC_CONCURRENCY says otherwise. */
export const DEFAULT_SYNC_CONCURRENCY = 2;

const envSchema = z.object({
  PORT: z.coerce.number().int().min(0).max(65535).default(4000),
  HOST: z.string().min(1).default("0.0.0.0"),
  DATABASE_URL: z.string().trim().min(1).optional(),
  BOB_API_URL: z.url().default("https://api.hibob.com/v1"),
  PUBLIC_URL: z.url().optional(),
  BOB_SYNC_TIMEOUT_MS: z.coerce.number().int().min(1000).max(600_000).default(120_000),
  DIRECTORY_CACHE_EMPLOYEES: z.coerce.number().int().min(0).max(10_000_000).default(100_000),
  JWT_SECRET: z.string().min(1).optional(),
  JWT_MAX_AGE: z
    .string()
    .trim()
    .regex(/^[1-9][0-9]{0,9}$/, "must be a positive whole number of seconds, e.g. 86400 for 24 hours")
    .transform(Number)
    .default(86_400),
  ENCRYPTION_KEY: z.string().min(1).optional(),
  ENCRYPTION_KEY_PREVIOUS: z.string().optional(),
  RETENTION_DAYS: z
    .string()
    .trim()
    .regex(/^[1-9][0-9]{0,4}$/, "must be a positive whole number of days (at most 99999), e.g. 90")
    .transform(Number)
    .default(90),
  SYNC_CONCURRENCY: z
    .string()
    .trim()
    .regex(/^([1-9]|1[0-6])$/, "must be a whole number from 1 to 16, e.g. 2")
    .transform(Number)
    .default(DEFAULT_SYNC_CONCURRENCY),
  METRICS_TOKEN: z
    .string()
    .trim()
    .min(16, "must be at least 16 characters (e.g. `openssl rand -base64 24`); leave it unset to turn /metrics off")
    .optional(),
  QUERY_THREAD: z.enum(["on", "off"], { message: 'must be "on" or "off"' }).default("on"),
  PGLITE_THREAD: z.enum(["on", "off"], { message: 'must be "on" or "off"' }).default("on"),
  NODE_ENV: z.string().optional(),
  DATA_DIR: z.string().min(1).default(".data"),
  LOG_LEVEL: z.enum(["fatal", "error", "warn", "info", "debug", "trace", "silent"]).default("info"),
});

/** The shortest JWT_SECRET production accepts (HS256 wants a key at least as long as its hash). */
export const MIN_PRODUCTION_JWT_SECRET_BYTES = 32;

export class ConfigError extends Error {
  override name = "ConfigError";
}

export function parseDatabaseUrl(url: string | undefined, dataDir: string): DatabaseTarget {
  if (!url) return { kind: "pglite", dataDir: `${dataDir}/pglite` };
  if (url.startsWith("postgres://") || url.startsWith("postgresql://")) return { kind: "postgres", url };
  if (url.startsWith("pglite://")) {
    const rest = url.slice("pglite://".length);
    if (rest === "") throw new ConfigError("DATABASE_URL pglite:// needs a directory or 'memory'.");
    return { kind: "pglite", dataDir: rest === "memory" ? null : rest };
  }
  throw new ConfigError(
    `DATABASE_URL must start with postgres://, postgresql:// or pglite:// (got "${url.split(":")[0]}:...").`,
  );
}

function withPgliteThread(target: DatabaseTarget, thread: boolean): DatabaseTarget {
  return target.kind === "pglite" && !thread ? { ...target, inProcess: true } : target;
}

export function loadConfig(env: NodeJS.ProcessEnv = process.env): GatewayConfig {
  const parsed = envSchema.safeParse(env);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((i) => `${i.path.join(".")}: ${i.message}`).join("; ");
    throw new ConfigError(`Invalid configuration: ${problems}`);
  }
  const e = parsed.data;
  const production = e.NODE_ENV === "production";
  if (production) {
    const missing = (["JWT_SECRET", "ENCRYPTION_KEY"] as const).filter((k) => !e[k]);
    if (missing.length > 0) {
      throw new ConfigError(
        `${missing.join(" and ")} must be set when NODE_ENV=production (see README, "Configuration").`,
      );
    }
    const jwtSecretBytes = Buffer.byteLength(e.JWT_SECRET as string, "utf8");
    if (jwtSecretBytes < MIN_PRODUCTION_JWT_SECRET_BYTES) {
      throw new ConfigError(
        `JWT_SECRET must be at least ${MIN_PRODUCTION_JWT_SECRET_BYTES} bytes when NODE_ENV=production (got ${jwtSecretBytes}); generate one with \`openssl rand -base64 32\`.`,
      );
    }
  }
  return {
    port: e.PORT,
    host: e.HOST,
    database: withPgliteThread(parseDatabaseUrl(e.DATABASE_URL, e.DATA_DIR), e.PGLITE_THREAD === "on"),
    bobApiUrl: e.BOB_API_URL.replace(/\/+$/, ""),
    bobSyncTimeoutMs: e.BOB_SYNC_TIMEOUT_MS,
    directoryCacheEmployees: e.DIRECTORY_CACHE_EMPLOYEES,
    publicUrl: (e.PUBLIC_URL ?? `http://localhost:${e.PORT}`).replace(/\/+$/, ""),
    production,
    dataDir: e.DATA_DIR,
    ...(e.JWT_SECRET ? { jwtSecret: e.JWT_SECRET } : {}),
    jwtMaxAgeSeconds: e.JWT_MAX_AGE,
    ...(e.ENCRYPTION_KEY ? { encryptionKey: e.ENCRYPTION_KEY } : {}),
    ...(e.ENCRYPTION_KEY_PREVIOUS
      ? {
          previousEncryptionKeys: e.ENCRYPTION_KEY_PREVIOUS.split(",")
            .map((k) => k.trim())
            .filter((k) => k !== ""),
        }
      : {}),
    retentionDays: e.RETENTION_DAYS,
    syncConcurrency: e.SYNC_CONCURRENCY,
    queryThread: e.QUERY_THREAD === "on",
    ...(e.METRICS_TOKEN ? { metricsToken: e.METRICS_TOKEN } : {}),
    logLevel: e.LOG_LEVEL,
  };
}

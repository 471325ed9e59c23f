/**
 * The `bob-gateway` command line: parses argv (node:util parseArgs), picks the command, runs it
 * against the gateway's public GraphQL API and turns the outcome into an exit code.
 */
import { parseArgs } from "node:util";
import { CliError, EXIT, createGatewayClient, usageError, type ExitCode } from "./client.js";
import type { CliFlags, CommandContext } from "./context.js";
import { employees, leavers, mappings } from "./commands/directory.js";
import { connect, enable, rotateWebhookUrl, status } from "./commands/integration.js";
import { approve, run, runs, sync } from "./commands/sync.js";
import { deliveries } from "./commands/webhooks.js";
import { history } from "./commands/history.js";
import { survey } from "./commands/survey.js";
import type { ProgressOutput } from "./progress-bar.js";

export const DEFAULT_URL = "http://localhost:4000";

const OPTIONS = {
  url: { type: "string" },
  token: { type: "string" },
  json: { type: "boolean", default: false },
  help: { type: "boolean", short: "h", default: false },
  "access-token": { type: "string" },
  "service-user-id": { type: "string" },
  "dry-run": { type: "boolean", default: false },
  wait: { type: "boolean", default: false },
  lifecycle: { type: "string" },
  limit: { type: "string" },
  on: { type: "string" },
  by: { type: "string" },
} as const;

type OptionName = keyof typeof OPTIONS;
const GLOBAL_OPTIONS: readonly OptionName[] = ["url", "token", "json", "help"];

interface CommandSpec {
  readonly usage: string;
  readonly summary: string;
  readonly options: readonly OptionName[];
  /** Most positional arguments the command takes. */
  readonly maxArgs: number;
  readonly run: (ctx: CommandContext) => Promise<ExitCode>;
}

const COMMANDS: Record<string, CommandSpec> = {
  status: { usage: "status", summary: "the integration's state (integration)", options: [], maxArgs: 0, run: status },
  enable: {
    usage: "enable",
    summary: "enable the integration for the token's company (needs a SUPPORT token)",
    options: [],
    maxArgs: 0,
    run: enable,
  },
  connect: {
    usage: "connect --access-token T [--service-user-id ID]",
    summary: "connect Bob: a service user (id + token) or a legacy API token (connectIntegration)",
    options: ["access-token", "service-user-id"],
    maxArgs: 1,
    run: connect,
  },
  "rotate-webhook-url": {
    usage: "rotate-webhook-url",
    summary: "a new webhook URL; the old one answers 404 from now on (rotateWebhookUrl)",
    options: [],
    maxArgs: 0,
    run: rotateWebhookUrl,
  },
  sync: {
    usage: "sync [--dry-run] [--wait]",
    summary: "start a full sync (synchronizeNow); --wait follows it with a progress bar and prints its counts",
    options: ["dry-run", "wait"],
    maxArgs: 0,
    run: sync,
  },
  runs: {
    usage: "runs [--limit N]",
    summary: "recent sync runs, newest first (syncRuns; default 20)",
    options: ["limit"],
    maxArgs: 0,
    run: runs,
  },
  run: {
    usage: "run <id> [--limit N]",
    summary: "one sync run with its counts, issues and changes (syncRun)",
    options: ["limit"],
    maxArgs: 1,
    run,
  },
  approve: {
    usage: "approve <id>",
    summary: "apply a run the deletion safeguard HELD (approveHeldSync)",
    options: [],
    maxArgs: 1,
    run: approve,
  },
  mappings: {
    usage: "mappings",
    summary: "how every Bob field maps to Peakon (fieldMappings)",
    options: [],
    maxArgs: 0,
    run: mappings,
  },
  leavers: {
    usage: "leavers [--limit N]",
    summary: "employees LEAVING or LEFT, with separation date, reason and surveyable",
    options: ["limit"],
    maxArgs: 0,
    run: leavers,
  },
  employees: {
    usage: "employees [--lifecycle PRE_HIRE,ACTIVE,LEAVING,LEFT] [--limit N]",
    summary: "the directory (employees), every page unless --limit",
    options: ["lifecycle", "limit"],
    maxArgs: 0,
    run: employees,
  },
  history: {
    usage: "history <bobId> [--limit N]",
    summary: "what the gateway changed on one employee and why, newest first (employeeHistory; default 50)",
    options: ["limit"],
    maxArgs: 1,
    run: history,
  },
  survey: {
    usage: "survey --on DATE [--by ATTRIBUTE]",
    summary:
      "who is surveyable on DATE, who joins and who leaves until then, by an attribute's values (surveyPopulation)",
    options: ["on", "by"],
    maxArgs: 0,
    run: survey,
  },
  deliveries: {
    usage: "deliveries [--limit N]",
    summary: "webhook deliveries, newest first (webhookDeliveries; default 50)",
    options: ["limit"],
    maxArgs: 0,
    run: deliveries,
  },
};

export function helpText(): string {
  // Usages longer than the column put their summary on the next line.
  const width = Math.min(36, Math.max(...Object.values(COMMANDS).map((c) => c.usage.length)));
  const commandLine = (c: CommandSpec): string =>
    c.usage.length > width
      ? `  ${c.usage}\n  ${" ".repeat(width)}  ${c.summary}`
      : `  ${c.usage.padEnd(width)}  ${c.summary}`;
  return [
    "Usage: bob-gateway <command> [options]",
    "",
    "Talks to a Bob integration gateway through its GraphQL API.",
    "",
    "Commands:",
    ...Object.values(COMMANDS).map(commandLine),
    "",
    "Options:",
    `  --url URL      the gateway (default: $BOB_GATEWAY_URL or ${DEFAULT_URL})`,
    "  --token JWT    caller token (default: $BOB_GATEWAY_TOKEN); mint one with",
    "                 npm run token -- --company acme --role ADMIN",
    "  --json         print the GraphQL data as JSON instead of tables",
    "  -h, --help     this help",
    "",
    "Exit codes:",
    "  0  ok",
    "  1  the API answered an error (its code and message on stderr, e.g. UNAUTHENTICATED)",
    "  2  usage error: unknown command or flag, missing or bad argument",
    "  3  cannot reach the gateway (nothing answers at --url, or it is not a gateway)",
    "  4  sync --wait: the run FAILED",
    "  5  sync --wait: the run is HELD by the deletion safeguard (approve it: bob-gateway approve <id>)",
    "",
    "Examples:",
    "  export BOB_GATEWAY_TOKEN=$(npm run --silent token -- --company acme --role ADMIN)",
    "  bob-gateway connect --access-token <bob token> --service-user-id <service user id>",
    "  bob-gateway sync --wait",
    "  bob-gateway employees --lifecycle PRE_HIRE,ACTIVE --json",
  ].join("\n");
}

export interface CliIo {
  readonly env: NodeJS.ProcessEnv;
  stdout(text: string): void;
  stderr(text: string): void;
  /** Where the progress bar draws. */
  readonly progress: ProgressOutput;
}

function parseLimit(raw: string | undefined): number | undefined {
  if (raw === undefined) return undefined;
  const n = Number(raw);
  if (!/^\d+$/.test(raw.trim()) || !Number.isSafeInteger(n) || n < 1)
    throw usageError(`--limit must be a whole number of at least 1 (got "${raw}").`);
  return n;
}

/** Runs one invocation; never throws: every outcome is an exit code. */
export async function runCli(argv: readonly string[], io: CliIo): Promise<ExitCode> {
  let parsed;
  try {
    parsed = parseArgs({ args: [...argv], options: OPTIONS, allowPositionals: true, strict: true });
  } catch (error) {
    io.stderr(
      `bob-gateway: ${error instanceof Error ? error.message : String(error)}\nRun bob-gateway --help for usage.`,
    );
    return EXIT.USAGE;
  }
  const { values, positionals } = parsed;
  const [name, ...args] = positionals;
  if (values.help || name === "help" || name === undefined) {
    if (name === undefined && !values.help) {
      io.stderr(helpText());
      return EXIT.USAGE;
    }
    io.stdout(helpText());
    return EXIT.OK;
  }

  const command = COMMANDS[name];
  let client: ReturnType<typeof createGatewayClient> | null = null;
  try {
    if (!command) throw usageError(`unknown command "${name}". Commands: ${Object.keys(COMMANDS).join(", ")}.`);
    const allowed = new Set<string>([...GLOBAL_OPTIONS, ...command.options]);
    const misplaced = Object.keys(values).filter((k) => !allowed.has(k) && values[k as OptionName] !== false);
    if (misplaced.length > 0)
      throw usageError(
        `${name} does not take ${misplaced.map((k) => `--${k}`).join(", ")}. Usage: bob-gateway ${command.usage}`,
      );
    if (args.length > command.maxArgs)
      throw usageError(`unexpected argument "${args[command.maxArgs]}". Usage: bob-gateway ${command.usage}`);
    const token = values.token ?? io.env.BOB_GATEWAY_TOKEN;
    if (!token)
      throw usageError(
        "no caller token: pass --token <jwt> or set BOB_GATEWAY_TOKEN (npm run token -- --company acme --role ADMIN).",
      );
    const limit = parseLimit(values.limit);
    const flags: CliFlags = {
      json: values.json,
      "dry-run": values["dry-run"],
      wait: values.wait,
      ...(values["access-token"] !== undefined ? { "access-token": values["access-token"] } : {}),
      ...(values["service-user-id"] !== undefined ? { "service-user-id": values["service-user-id"] } : {}),
      ...(values.lifecycle !== undefined ? { lifecycle: values.lifecycle } : {}),
      ...(limit !== undefined ? { limit } : {}),
      ...(values.on !== undefined ? { on: values.on } : {}),
      ...(values.by !== undefined ? { by: values.by } : {}),
    };
    client = createGatewayClient({ url: values.url ?? io.env.BOB_GATEWAY_URL ?? DEFAULT_URL, token });
    return await command.run({ client, flags, args, out: io.stdout, err: io.stderr, progress: io.progress });
  } catch (error) {
    const e =
      error instanceof CliError
        ? error
        : new CliError(error instanceof Error ? error.message : String(error), EXIT.UNREACHABLE);
    if (e.exitCode === EXIT.USAGE) io.stderr(`bob-gateway: ${e.message}\nRun bob-gateway --help for usage.`);
    else if (e.code) io.stderr(`${e.code}: ${e.message}`);
    else io.stderr(`bob-gateway: ${e.message}`);
    return e.exitCode;
  } finally {
    await client?.close().catch(() => undefined);
  }
}

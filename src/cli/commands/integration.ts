/** status, enable, connect: the company's integration. */
import { EXIT, usageError, type ExitCode } from "../client.js";
import { emit, type CommandContext } from "../context.js";
import { keyValues } from "../format.js";

interface IntegrationView {
  status: string;
  credentialKind: string | null;
  tokenHint: string | null;
  connectedAt: string | null;
  webhookUrl: string | null;
  realTimeUpdates: boolean;
  settings: { deletionSafeguardPercent: number; reconcileEveryHours: number | null };
  warnings: { code: string; message: string; bobFieldId: string | null }[];
  lastSyncRun?: { id: string; status: string; phase: string; finishedAt: string | null } | null;
}

const INTEGRATION_FIELDS = "status credentialKind tokenHint connectedAt webhookUrl realTimeUpdates settings { deletionSafeguardPercent reconcileEveryHours } warnings { code message bobFieldId }";

function describe(i: IntegrationView): string {
  const pairs: [string, unknown][] = [
    ["status", i.status],
    ["credential", i.credentialKind],
    ["token hint", i.tokenHint ? `…${i.tokenHint}` : null],
    ["connected at", i.connectedAt],
    ["webhook URL", i.webhookUrl],
    ["real-time updates", i.realTimeUpdates],
    ["deletion safeguard", `${i.settings.deletionSafeguardPercent}%`],
    ["reconcile every", i.settings.reconcileEveryHours === null ? null : `${i.settings.reconcileEveryHours} h`],
  ];
  if (i.lastSyncRun !== undefined) {
    pairs.push(["last sync run", i.lastSyncRun ? `${i.lastSyncRun.id} ${i.lastSyncRun.status} (${i.lastSyncRun.phase})` : null]);
  }
  // What the admin must fix in Bob comes last, one line each, in plain words.
  const warnings = i.warnings.map((w) => `warning ${w.code}${w.bobFieldId ? ` (${w.bobFieldId})` : ""}: ${w.message}`);
  return [keyValues(pairs), ...warnings].join("\n");
}

export async function status(ctx: CommandContext): Promise<ExitCode> {
  const data = await ctx.client.request<{ integration: IntegrationView }>(
    `query { integration { ${INTEGRATION_FIELDS} lastSyncRun { id status phase finishedAt } } }`,
  );
  emit(ctx, data, () => describe(data.integration));
  return EXIT.OK;
}

export async function enable(ctx: CommandContext): Promise<ExitCode> {
  const data = await ctx.client.request<{ enableIntegration: IntegrationView }>(`mutation { enableIntegration { ${INTEGRATION_FIELDS} } }`);
  emit(ctx, data, () => `Integration enabled.\n${describe(data.enableIntegration)}`);
  return EXIT.OK;
}

export async function connect(ctx: CommandContext): Promise<ExitCode> {
  const accessToken = ctx.flags["access-token"] ?? ctx.args[0];
  if (!accessToken) throw usageError("connect needs Bob's token: bob-gateway connect --access-token <bob token> [--service-user-id <id>] (--token is your gateway caller token).");
  const input: Record<string, string> = { accessToken };
  if (ctx.flags["service-user-id"]) input.serviceUserId = ctx.flags["service-user-id"];
  const data = await ctx.client.request<{ connectIntegration: IntegrationView }>(
    `mutation($i: ConnectIntegrationInput!) { connectIntegration(input: $i) { ${INTEGRATION_FIELDS} } }`,
    { i: input },
  );
  emit(ctx, data, () => `Connected to Bob.\n${describe(data.connectIntegration)}`);
  return EXIT.OK;
}

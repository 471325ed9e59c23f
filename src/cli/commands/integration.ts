/** status, enable, connect, rotate-webhook-url: the company's integration. */
import { EXIT, usageError, type ExitCode } from "../client.js";
import { emit, type CommandContext } from "../context.js";
import { keyValues } from "../format.js";
import {
  ConnectIntegrationDocument,
  EnableIntegrationDocument,
  IntegrationStatusDocument,
  RotateWebhookUrlDocument,
  type ConnectIntegrationInput,
  type IntegrationFieldsFragment,
  type IntegrationStatusQuery,
} from "../generated/graphql.js";

/** Every answer has the fields; only `status` asks for the last run and the health too. */
type IntegrationView = IntegrationFieldsFragment &
  Partial<Pick<IntegrationStatusQuery["integration"], "lastSyncRun" | "health">>;

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
    pairs.push([
      "last sync run",
      i.lastSyncRun ? `${i.lastSyncRun.id} ${i.lastSyncRun.status} (${i.lastSyncRun.phase})` : null,
    ]);
  }
  if (i.health) {
    pairs.push(
      ["last successful sync", i.health.lastSuccessfulSyncAt],
      [
        "deliveries (24 h)",
        `${i.health.deliveriesLast24h} (${i.health.failedDeliveriesLast24h} failed)${i.health.lastDeliveryAt ? `, last ${i.health.lastDeliveryAt}` : ""}`,
      ],
      ["drift repaired (7 days)", i.health.driftRepairedLast7Days],
    );
  }
  // What the admin must fix comes last, one line each, in plain words.
  const reconnect = i.health?.needsReconnectReason
    ? [`needs reconnect: ${i.health.needsReconnectReason} Connect again: bob-gateway connect --access-token T.`]
    : [];
  const warnings = i.warnings.map((w) => `warning ${w.code}${w.bobFieldId ? ` (${w.bobFieldId})` : ""}: ${w.message}`);
  return [keyValues(pairs), ...reconnect, ...warnings].join("\n");
}

export async function status(ctx: CommandContext): Promise<ExitCode> {
  const data = await ctx.client.request(IntegrationStatusDocument);
  emit(ctx, data, () => describe(data.integration));
  return EXIT.OK;
}

export async function enable(ctx: CommandContext): Promise<ExitCode> {
  const data = await ctx.client.request(EnableIntegrationDocument);
  emit(ctx, data, () => `Integration enabled.\n${describe(data.enableIntegration)}`);
  return EXIT.OK;
}

export async function connect(ctx: CommandContext): Promise<ExitCode> {
  const accessToken = ctx.flags["access-token"] ?? ctx.args[0];
  if (!accessToken)
    throw usageError(
      "connect needs Bob's token: bob-gateway connect --access-token <bob token> [--service-user-id <id>] (--token is your gateway caller token).",
    );
  const input: ConnectIntegrationInput = { accessToken };
  if (ctx.flags["service-user-id"]) input.serviceUserId = ctx.flags["service-user-id"];
  const data = await ctx.client.request(ConnectIntegrationDocument, { i: input });
  emit(ctx, data, () => `Connected to Bob.\n${describe(data.connectIntegration)}`);
  return EXIT.OK;
}

/** A leaked webhook URL stops working at once; Bob must be given the new one (the hook secret stays). */
export async function rotateWebhookUrl(ctx: CommandContext): Promise<ExitCode> {
  const data = await ctx.client.request(RotateWebhookUrlDocument);
  emit(
    ctx,
    data,
    () =>
      `Webhook URL rotated: the old one answers 404 from now on. Paste the new one into Bob's webhook.\n${describe(data.rotateWebhookUrl)}`,
  );
  return EXIT.OK;
}

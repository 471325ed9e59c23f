/** deliveries: what arrived on the company's webhook URL. */
import { EXIT, type ExitCode } from "../client.js";
import { emit, type CommandContext } from "../context.js";
import { table } from "../format.js";
import { WebhookDeliveriesDocument } from "../generated/graphql.js";

export async function deliveries(ctx: CommandContext): Promise<ExitCode> {
  const data = await ctx.client.request(WebhookDeliveriesDocument, { first: Math.min(ctx.flags.limit ?? 50, 500) });
  emit(ctx, data, () => {
    const rows = data.webhookDeliveries.edges.map((e) => e.node);
    if (rows.length === 0) return "No webhook deliveries yet.";
    return `${table(rows, [
      { header: "RECEIVED AT", value: (d) => d.receivedAt },
      { header: "EVENT", value: (d) => d.eventType },
      { header: "BOB ID", value: (d) => d.bobEmployeeId },
      { header: "STATUS", value: (d) => d.status },
      { header: "ERROR", value: (d) => d.error },
      { header: "ID", value: (d) => d.id },
    ])}\n${rows.length} of ${data.webhookDeliveries.totalCount} deliveries`;
  });
  return EXIT.OK;
}

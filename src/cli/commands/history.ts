/** history: what the gateway changed on one employee, newest first, with the cause of each change. */
import { EXIT, usageError, type ExitCode } from "../client.js";
import { emit, type CommandContext } from "../context.js";
import { table, type Column } from "../format.js";
import { EmployeeHistoryDocument, type EmployeeHistoryQuery } from "../generated/graphql.js";

type HistoryPage = EmployeeHistoryQuery["employeeHistory"];

const shown = (value: string | null): string => (value === null ? "-" : value);

/** One line per changed value, under the change it belongs to. */
function describe(page: HistoryPage, bobId: string): string {
  if (page.totalCount === 0)
    return `No history for Bob employee ${bobId}: the gateway never changed them (or retention removed it).`;
  type Line = { at: string; change: string; by: string; field: string; value: string };
  const lines: Line[] = [];
  for (const { node } of page.edges) {
    const by = node.runId ? `run ${node.runId}` : node.deliveryId ? `delivery ${node.deliveryId}` : "";
    const head = { at: node.at, change: `${node.action} (${node.cause})`, by };
    if (node.fields.length === 0) lines.push({ ...head, field: "", value: "" });
    node.fields.forEach((f, i) =>
      lines.push({
        ...(i === 0 ? head : { at: "", change: "", by: "" }),
        field: f.name,
        value: `${shown(f.before)} → ${shown(f.after)}`,
      }),
    );
  }
  const columns: Column<Line>[] = [
    { header: "AT", value: (l) => l.at },
    { header: "CHANGE", value: (l) => l.change },
    { header: "BY", value: (l) => l.by },
    { header: "FIELD", value: (l) => l.field },
    { header: "BEFORE → AFTER", value: (l) => l.value },
  ];
  const footer =
    page.edges.length === page.totalCount
      ? `${page.totalCount} changes`
      : `${page.edges.length} of ${page.totalCount} changes (--limit N for more)`;
  return `${table(lines, columns)}\n${footer}`;
}

export async function history(ctx: CommandContext): Promise<ExitCode> {
  const bobId = ctx.args[0];
  if (!bobId)
    throw usageError("history needs a Bob employee id: bob-gateway history <bobId> (ids: bob-gateway employees)");
  const data = await ctx.client.request(EmployeeHistoryDocument, { b: bobId, f: Math.min(ctx.flags.limit ?? 50, 500) });
  emit(ctx, data, () => describe(data.employeeHistory, bobId));
  return EXIT.OK;
}

/** mappings, leavers, employees: the Peakon directory as the sync keeps it. */
import { EXIT, usageError, type ExitCode } from "../client.js";
import { emit, type CommandContext } from "../context.js";
import { table, type Column } from "../format.js";
import {
  EmployeesDocument,
  FieldMappingsDocument,
  type EmployeeRowFragment,
  type EmployeesQuery,
  type Lifecycle,
} from "../generated/graphql.js";

export const LIFECYCLES = ["PRE_HIRE", "ACTIVE", "LEAVING", "LEFT"] as const satisfies readonly Lifecycle[];

type EmployeeRow = EmployeeRowFragment;
type EmployeePage = EmployeesQuery["employees"];

const PAGE_SIZE = 200;

/** Every page (or the first `limit` employees), merged into one connection of the same shape. */
async function allEmployees(
  ctx: CommandContext,
  lifecycle: Lifecycle[] | null,
  limit: number | null,
): Promise<{ employees: EmployeePage }> {
  const edges: EmployeePage["edges"] = [];
  let after: string | null = null;
  let page: EmployeePage;
  do {
    const want = limit === null ? PAGE_SIZE : Math.min(PAGE_SIZE, limit - edges.length);
    ({ employees: page } = await ctx.client.request(EmployeesDocument, { first: want, after, lifecycle }));
    edges.push(...page.edges);
    after = page.pageInfo.endCursor;
  } while (page.pageInfo.hasNextPage && after !== null && (limit === null || edges.length < limit));
  return { employees: { totalCount: page.totalCount, edges, pageInfo: page.pageInfo } };
}

const isLifecycle = (value: string): value is Lifecycle => (LIFECYCLES as readonly string[]).includes(value);

function parseLifecycles(raw: string | undefined): Lifecycle[] | null {
  if (raw === undefined) return null;
  const values = raw
    .split(",")
    .map((v) => v.trim().toUpperCase().replace(/-/g, "_"))
    .filter((v) => v !== "");
  const unknown = values.filter((v) => !isLifecycle(v));
  if (values.length === 0 || unknown.length > 0) {
    throw usageError(
      `--lifecycle takes a comma-separated list of ${LIFECYCLES.join(", ")}${unknown.length > 0 ? ` (unknown: ${unknown.join(", ")})` : ""}.`,
    );
  }
  return values.filter(isLifecycle);
}

const name = (e: { firstName: string; lastName: string }): string => `${e.firstName} ${e.lastName}`;

function footer(shown: number, total: number, what: string): string {
  return shown === total ? `${total} ${what}` : `${shown} of ${total} ${what}`;
}

export async function employees(ctx: CommandContext): Promise<ExitCode> {
  const lifecycle = parseLifecycles(ctx.flags.lifecycle);
  const data = await allEmployees(ctx, lifecycle, ctx.flags.limit ?? null);
  emit(ctx, data, () => {
    const rows = data.employees.edges.map((e) => e.node);
    const columns: Column<EmployeeRow>[] = [
      { header: "BOB ID", value: (e) => e.bobId },
      { header: "NAME", value: name },
      { header: "EMAIL", value: (e) => e.email },
      { header: "LIFECYCLE", value: (e) => e.lifecycle },
      { header: "START", value: (e) => e.startDate },
      { header: "SEPARATION", value: (e) => e.separationDate },
      { header: "TENURE (MO)", value: (e) => e.tenureMonths, align: "right" },
      { header: "SURVEYABLE", value: (e) => e.surveyable },
      // The Manager attribute references an employee: shown by name, not by id.
      { header: "MANAGER", value: (e) => (e.manager ? name(e.manager) : null) },
    ];
    return `${table(rows, columns)}\n${footer(rows.length, data.employees.totalCount, "employees")}`;
  });
  return EXIT.OK;
}

export async function leavers(ctx: CommandContext): Promise<ExitCode> {
  const data = await allEmployees(ctx, ["LEAVING", "LEFT"], ctx.flags.limit ?? null);
  emit(ctx, data, () => {
    const rows = data.employees.edges.map((e) => e.node);
    if (rows.length === 0) return "No leavers.";
    return `${table(rows, [
      { header: "BOB ID", value: (e) => e.bobId },
      { header: "NAME", value: name },
      { header: "EMAIL", value: (e) => e.email },
      { header: "LIFECYCLE", value: (e) => e.lifecycle },
      { header: "SEPARATION DATE", value: (e) => e.separationDate },
      { header: "REASON", value: (e) => e.separationReason },
      { header: "SURVEYABLE", value: (e) => e.surveyable },
    ])}\n${footer(rows.length, data.employees.totalCount, "leavers")}`;
  });
  return EXIT.OK;
}

export async function mappings(ctx: CommandContext): Promise<ExitCode> {
  const data = await ctx.client.request(FieldMappingsDocument);
  emit(
    ctx,
    data,
    () =>
      `${table(data.fieldMappings, [
        { header: "BOB FIELD", value: (m) => m.bobFieldId },
        { header: "NAME", value: (m) => m.bobFieldName },
        { header: "TYPE", value: (m) => m.bobFieldType },
        { header: "STATUS", value: (m) => m.status },
        { header: "ATTRIBUTE", value: (m) => (m.attribute ? `${m.attribute.name} (${m.attribute.type})` : null) },
        { header: "REASON", value: (m) => m.reason },
      ])}\n${data.fieldMappings.length} Bob fields`,
  );
  return EXIT.OK;
}

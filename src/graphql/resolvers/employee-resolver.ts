import type DataLoader from "dataloader";
import type { GraphQLResolveInfo } from "graphql";
import { Arg, Ctx, FieldResolver, Info, Int, Query, Resolver, Root } from "type-graphql";
import type { DirectoryEmployee } from "../../domain/ports/directory-store.js";
import { deriveLifecycle } from "../../domain/sync/lifecycle.js";
import { connectionOf } from "../connection.js";
import type { GraphQLContext } from "../context.js";
import type { AttributeIndex, Once } from "../loaders.js";
import { selectsBelow } from "../selection.js";
import { AttributeValue, Employee, EmployeeConnection, Lifecycle } from "../types/employee.js";

@Resolver(() => Employee)
export class EmployeeResolver {
  @Query(() => EmployeeConnection, { description: "The company's Peakon employee directory as the sync keeps it. Ordered by last name, first name, id." })
  async employees(
    @Ctx() ctx: GraphQLContext,
    @Arg("first", () => Int, { nullable: true, defaultValue: 50 }) first: number,
    @Arg("after", () => String, { nullable: true }) after: string | null,
    @Arg("lifecycle", () => [Lifecycle], { nullable: true }) lifecycle: Lifecycle[] | null,
    @Info() info: GraphQLResolveInfo,
  ): Promise<EmployeeConnection> {
    const [page] = await Promise.all([ctx.services.sync.employees(ctx.caller, { first, after, lifecycle }), attributesIfSelected(ctx, info)]);
    return connectionOf(page.employees, ({ employee }) => employee as unknown as Employee, page);
  }

  @Query(() => Employee, { nullable: true })
  async employee(@Arg("bobId", () => String) bobId: string, @Ctx() ctx: GraphQLContext, @Info() info: GraphQLResolveInfo): Promise<Employee | null> {
    const [employee] = await Promise.all([ctx.services.sync.employee(ctx.caller, bobId), attributesIfSelected(ctx, info)]);
    return employee as unknown as Employee | null;
  }

  @FieldResolver(() => Employee, { nullable: true })
  manager(@Root() employee: DirectoryEmployee, @Ctx() ctx: GraphQLContext): Promise<Employee | null> | null {
    if (!employee.managerBobId) return null;
    return ctx.loaders.employeeByBobId.load(employee.managerBobId) as unknown as Promise<Employee | null>;
  }

  @FieldResolver(() => Int, { nullable: true, description: "Whole months from start date to today; null before the start date." })
  tenureMonths(@Root() employee: DirectoryEmployee, @Ctx() ctx: GraphQLContext): number | null | Promise<number | null> {
    return withValue(ctx.loaders.today, (today) => deriveLifecycle(employee, today).tenureMonths);
  }

  @FieldResolver(() => Lifecycle)
  lifecycle(@Root() employee: DirectoryEmployee, @Ctx() ctx: GraphQLContext): Lifecycle | Promise<Lifecycle> {
    return withValue(ctx.loaders.today, (today) => deriveLifecycle(employee, today).lifecycle as Lifecycle);
  }

  @FieldResolver(() => Boolean, { description: "Started (start date today or earlier, or none) and not separated (no separation date, or it is today or later: surveyed on the last day), as of the company's today." })
  surveyable(@Root() employee: DirectoryEmployee, @Ctx() ctx: GraphQLContext): boolean | Promise<boolean> {
    return withValue(ctx.loaders.today, (today) => deriveLifecycle(employee, today).surveyable);
  }

  @FieldResolver(() => [AttributeValue], { description: "Every attribute with a value, standard and custom." })
  attributes(@Root() employee: DirectoryEmployee, @Ctx() ctx: GraphQLContext): AttributeValue[] | Promise<AttributeValue[]> {
    return withValue(ctx.loaders.attributes, (index) => attributeValuesOf(employee, index, ctx.loaders.employeeByBobId));
  }
}

/**
 * The company's attributes, loaded beside the employees when the operation reads attributes: every
 * row then resolves its values (and asks for the employees they reference) in the same tick as its
 * manager, so a page costs the same statements whatever the timing of the database's answers.
 */
function attributesIfSelected(ctx: GraphQLContext, info: GraphQLResolveInfo): Promise<unknown> | null {
  return selectsBelow(info, "attributes") ? ctx.loaders.attributes.get() : null;
}

/** Synchronous once the request's value has arrived: no promise per field of every row. */
function withValue<T, R>(value: Once<T>, use: (v: T) => R | Promise<R>): R | Promise<R> {
  const now = value.now();
  return now !== undefined ? use(now) : value.get().then(use);
}

/**
 * The employee's attribute values in attribute-name order (ranks computed once per request).
 * An EMPLOYEE value is stored as the referenced person's Bob id; it is answered as that
 * employee's Peakon id, with the employee (both null when not in the company's directory),
 * loaded through the request's employee loader: one batch for the whole page, whatever its size.
 * Values of every other type are there at once, without a promise.
 */
export function attributeValuesOf(
  employee: DirectoryEmployee,
  index: AttributeIndex,
  employees: DataLoader<string, DirectoryEmployee | null>,
): AttributeValue[] | Promise<AttributeValue[]> {
  const ranked: { rank: number; value: AttributeValue }[] = [];
  let references: { value: AttributeValue; bobId: string }[] | null = null;
  for (const [attributeId, stored] of Object.entries(employee.attributes)) {
    const entry = index.byId.get(attributeId);
    if (!entry) continue;
    const isReference = entry.attribute.type === "EMPLOYEE";
    const value: AttributeValue = { attribute: entry.attribute as AttributeValue["attribute"], value: isReference ? null : stored, employee: null };
    if (isReference) (references ??= []).push({ value, bobId: stored });
    ranked.push({ rank: entry.rank, value });
  }
  ranked.sort((a, b) => a.rank - b.rank);
  const values = ranked.map((r) => r.value);
  if (references === null) return values;
  const pending = references;
  return Promise.all(pending.map((r) => employees.load(r.bobId))).then((found) => {
    pending.forEach((r, i) => {
      const referenced = found[i] ?? null;
      r.value.value = referenced?.id ?? null;
      r.value.employee = referenced as unknown as Employee | null;
    });
    return values;
  });
}

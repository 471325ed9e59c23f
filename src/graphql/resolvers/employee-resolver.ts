import type { GraphQLResolveInfo } from "graphql";
import { Arg, Ctx, FieldResolver, Info, Int, Query, Resolver, Root } from "type-graphql";
import type { DirectoryEmployee } from "../../domain/ports/directory-store.js";
import { isSurveyable, lifecycleOf, tenureMonthsOf } from "../../domain/mapping/lifecycle.js";
import { connectionOf } from "../connection.js";
import type { GraphQLContext } from "../context.js";
import type { AttributeIndex, Once, ReferencedEmployee } from "../loaders.js";
import { selectsBelow } from "../selection.js";
import { isSliced } from "../time-slicing.js";
import { AttributeValue, Employee, EmployeeConnection, Lifecycle } from "../types/employee.js";

@Resolver(() => Employee)
export class EmployeeResolver {
  @Query(() => EmployeeConnection, {
    description: "The company's Peakon employee directory as the sync keeps it. Ordered by last name, first name, id.",
  })
  async employees(
    @Ctx() ctx: GraphQLContext,
    @Arg("first", () => Int, { nullable: true, defaultValue: 50 }) first: number,
    @Arg("after", () => String, { nullable: true }) after: string | null,
    @Arg("lifecycle", () => [Lifecycle], { nullable: true }) lifecycle: Lifecycle[] | null,
    @Info() info: GraphQLResolveInfo,
  ): Promise<EmployeeConnection> {
    const [page] = await Promise.all([
      ctx.services.directory.employees(ctx.caller, { first, after, lifecycle }),
      attributesIfSelected(ctx, info),
    ]);
    const connection = connectionOf(page.employees, ({ employee }) => employee as unknown as Employee, page);
    if (!isSliced(page.employees.length)) return connection;
    // A large page is completed in slices (time-slicing.ts), each slice whole in its turn: what
    // its rows load arrives first, in the batches the whole page would have used.
    await preloadForPage(
      ctx,
      info,
      page.employees.map((e) => e.employee),
    );
    return { ...connection, edges: ctx.loaders.slicing.sliceList(connection.edges) as EmployeeConnection["edges"] };
  }

  @Query(() => Employee, { nullable: true })
  async employee(
    @Arg("bobId", () => String) bobId: string,
    @Ctx() ctx: GraphQLContext,
    @Info() info: GraphQLResolveInfo,
  ): Promise<Employee | null> {
    const [employee] = await Promise.all([
      ctx.services.directory.employee(ctx.caller, bobId),
      attributesIfSelected(ctx, info),
    ]);
    return employee as unknown as Employee | null;
  }

  @FieldResolver(() => Employee, { nullable: true })
  manager(
    @Root() employee: ReferencedEmployee,
    @Ctx() ctx: GraphQLContext,
    @Info() info: GraphQLResolveInfo,
  ): Promise<Employee | null> | null {
    if (!employee.managerBobId) return null;
    return ctx.loaders.reference(employee.managerBobId, info) as unknown as Promise<Employee | null>;
  }

  @FieldResolver(() => Int, {
    nullable: true,
    description: "Whole months from start date to today; null before the start date.",
  })
  tenureMonths(
    @Root() employee: DirectoryEmployee,
    @Ctx() ctx: GraphQLContext,
  ): number | null | Promise<number | null> {
    return withValue(ctx.loaders.today, (today) => tenureMonthsOf(employee, today));
  }

  @FieldResolver(() => Lifecycle)
  lifecycle(@Root() employee: DirectoryEmployee, @Ctx() ctx: GraphQLContext): Lifecycle | Promise<Lifecycle> {
    return withValue(ctx.loaders.today, (today) => lifecycleOf(employee, today) as Lifecycle);
  }

  @FieldResolver(() => Boolean, {
    description:
      "Started (start date today or earlier, or none) and not separated (no separation date, or it is today or later: surveyed on the last day), as of the company's today.",
  })
  surveyable(@Root() employee: DirectoryEmployee, @Ctx() ctx: GraphQLContext): boolean | Promise<boolean> {
    return withValue(ctx.loaders.today, (today) => isSurveyable(employee, today));
  }

  @FieldResolver(() => [AttributeValue], { description: "Every attribute with a value, standard and custom." })
  attributes(
    @Root() employee: ReferencedEmployee,
    @Ctx() ctx: GraphQLContext,
    @Info() info: GraphQLResolveInfo,
  ): AttributeValue[] | Promise<AttributeValue[]> {
    const references = (bobId: string) => ctx.loaders.reference(bobId, info);
    if ("attributes" in employee)
      return withValue(ctx.loaders.attributes, (index) => attributeValuesOf(employee, index, references));
    // Loaded without its values (the operation was not expected to read them): read it whole. Gone
    // meanwhile, its values are unknown, not empty: the field fails (masked and logged).
    return Promise.all([ctx.loaders.employee(employee.bobId), ctx.loaders.attributes.get()]).then(([whole, index]) => {
      if (!whole) throw new Error(`employee ${employee.bobId} left the directory while this request read it`);
      return attributeValuesOf(whole, index, references);
    });
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

/**
 * Before a page is completed in slices: today, and the managers and referenced employees of its
 * rows (one batch, as the rows' own loads would make), when the operation selects them.
 */
async function preloadForPage(
  ctx: GraphQLContext,
  info: GraphQLResolveInfo,
  employees: readonly DirectoryEmployee[],
): Promise<void> {
  const bobIds = new Set<string>();
  if (selectsBelow(info, "manager")) for (const e of employees) if (e.managerBobId) bobIds.add(e.managerBobId);
  const index = selectsBelow(info, "attributes") ? ctx.loaders.attributes.now() : undefined;
  if (index) {
    for (const e of employees) {
      for (const attributeId of index.employeeReferences) {
        const stored = e.attributes[attributeId];
        if (stored !== undefined) bobIds.add(stored);
      }
    }
  }
  const today = ["lifecycle", "surveyable", "tenureMonths"].some((name) => selectsBelow(info, name))
    ? ctx.loaders.today.get()
    : null;
  await Promise.all([bobIds.size > 0 ? ctx.loaders.preloadReferences([...bobIds], info) : null, today]);
}

/** Synchronous once the request's value has arrived: no promise per field of every row. */
function withValue<T, R>(value: Once<T>, use: (v: T) => R | Promise<R>): R | Promise<R> {
  const now = value.now();
  return now !== undefined ? use(now) : value.get().then(use);
}

/**
 * The employee's attribute values in attribute-name order (the request's attributes, sorted once).
 * An EMPLOYEE value is stored as the referenced person's Bob id; it is answered as that
 * employee's Peakon id, with the employee (both null when not in the company's directory),
 * loaded through the request's employee loader: one batch for the whole page, whatever its size.
 * Values of every other type, and references to employees the request has loaded, are there at
 * once, without a promise.
 */
export function attributeValuesOf(
  employee: DirectoryEmployee,
  index: AttributeIndex,
  employees: (bobId: string) => ReferencedEmployee | null | Promise<ReferencedEmployee | null>,
): AttributeValue[] | Promise<AttributeValue[]> {
  const values: AttributeValue[] = [];
  let references: { value: AttributeValue; bobId: string }[] | null = null;
  for (const attribute of index.ordered) {
    const stored = employee.attributes[attribute.id];
    if (stored === undefined) continue;
    const isReference = attribute.type === "EMPLOYEE";
    const value: AttributeValue = {
      attribute: attribute as AttributeValue["attribute"],
      value: isReference ? null : stored,
      employee: null,
    };
    if (isReference) (references ??= []).push({ value, bobId: stored });
    values.push(value);
  }
  if (references === null) return values;
  const pending = references;
  const found = pending.map((r) => employees(r.bobId));
  const fill = (referencedEmployees: readonly (ReferencedEmployee | null)[]): AttributeValue[] => {
    pending.forEach((r, i) => {
      const referenced = referencedEmployees[i] ?? null;
      r.value.value = referenced?.id ?? null;
      r.value.employee = referenced as unknown as Employee | null;
    });
    return values;
  };
  return found.some((f) => f instanceof Promise)
    ? Promise.all(found).then(fill)
    : fill(found as (ReferencedEmployee | null)[]);
}

import { Arg, Ctx, FieldResolver, Int, Query, Resolver, Root } from "type-graphql";
import type { DirectoryEmployee } from "../../domain/ports/directory-store.js";
import { deriveLifecycle } from "../../domain/sync/lifecycle.js";
import { connectionOf } from "../connection.js";
import type { GraphQLContext } from "../context.js";
import { AttributeValue, Employee, EmployeeConnection, Lifecycle } from "../types/employee.js";

@Resolver(() => Employee)
export class EmployeeResolver {
  @Query(() => EmployeeConnection, { description: "The company's Peakon employee directory as the sync keeps it. Ordered by last name, first name, id." })
  async employees(
    @Ctx() ctx: GraphQLContext,
    @Arg("first", () => Int, { nullable: true, defaultValue: 50 }) first: number,
    @Arg("after", () => String, { nullable: true }) after: string | null,
    @Arg("lifecycle", () => [Lifecycle], { nullable: true }) lifecycle: Lifecycle[] | null,
  ): Promise<EmployeeConnection> {
    const page = await ctx.services.sync.employees(ctx.caller, { first, after, lifecycle });
    return connectionOf(page.employees, ({ employee }) => employee as unknown as Employee, page);
  }

  @Query(() => Employee, { nullable: true })
  async employee(@Arg("bobId", () => String) bobId: string, @Ctx() ctx: GraphQLContext): Promise<Employee | null> {
    return (await ctx.services.sync.employee(ctx.caller, bobId)) as unknown as Employee | null;
  }

  @FieldResolver(() => Employee, { nullable: true })
  async manager(@Root() employee: DirectoryEmployee, @Ctx() ctx: GraphQLContext): Promise<Employee | null> {
    if (!employee.managerBobId) return null;
    return (await ctx.loaders.employeeByBobId.load(employee.managerBobId)) as unknown as Employee | null;
  }

  @FieldResolver(() => Int, { nullable: true, description: "Whole months from start date to today; null before the start date." })
  async tenureMonths(@Root() employee: DirectoryEmployee, @Ctx() ctx: GraphQLContext): Promise<number | null> {
    return deriveLifecycle(employee, await ctx.loaders.today()).tenureMonths;
  }

  @FieldResolver(() => Lifecycle)
  async lifecycle(@Root() employee: DirectoryEmployee, @Ctx() ctx: GraphQLContext): Promise<Lifecycle> {
    return deriveLifecycle(employee, await ctx.loaders.today()).lifecycle as Lifecycle;
  }

  @FieldResolver(() => Boolean, { description: "Started and not separated, as of the company's today." })
  async surveyable(@Root() employee: DirectoryEmployee, @Ctx() ctx: GraphQLContext): Promise<boolean> {
    return deriveLifecycle(employee, await ctx.loaders.today()).surveyable;
  }

  @FieldResolver(() => [AttributeValue], { description: "Every attribute with a value, standard and custom." })
  async attributes(@Root() employee: DirectoryEmployee, @Ctx() ctx: GraphQLContext): Promise<AttributeValue[]> {
    const attributes = await ctx.loaders.attributes();
    const values: AttributeValue[] = [];
    for (const [attributeId, value] of Object.entries(employee.attributes)) {
      const attribute = attributes.get(attributeId);
      if (attribute) values.push({ attribute: attribute as AttributeValue["attribute"], value });
    }
    return values.sort((a, b) => a.attribute.name.localeCompare(b.attribute.name));
  }
}

import { Arg, Ctx, FieldResolver, Int, Query, Resolver, Root } from "type-graphql";
import { pageOf, type HistoryPage } from "../../domain/history/history-service.js";
import { pageSize } from "../../domain/paging.js";
import type { DirectoryEmployee } from "../../domain/ports/directory-store.js";
import { connectionOf } from "../connection.js";
import type { GraphQLContext } from "../context.js";
import { Employee } from "../types/employee.js";
import { EmployeeHistoryConnection, type EmployeeHistoryEntry } from "../types/history.js";

@Resolver(() => Employee)
export class HistoryResolver {
  @Query(() => EmployeeHistoryConnection, {
    description:
      "What the gateway changed on one employee, newest first; kept after the employee is deleted, until retention.",
  })
  async employeeHistory(
    @Ctx() ctx: GraphQLContext,
    @Arg("bobId", () => String) bobId: string,
    @Arg("first", () => Int, { nullable: true, defaultValue: 50 }) first: number,
    @Arg("after", () => String, { nullable: true }) after: string | null,
  ): Promise<EmployeeHistoryConnection> {
    return connectionOfHistory(await ctx.services.history.employeeHistory(ctx.caller, bobId, first, after));
  }

  @FieldResolver(() => EmployeeHistoryConnection, {
    description: "What the gateway changed on this employee, newest first.",
  })
  async history(
    @Root() employee: DirectoryEmployee,
    @Ctx() ctx: GraphQLContext,
    @Arg("first", () => Int, { nullable: true, defaultValue: 50 }) first: number,
    @Arg("after", () => String, { nullable: true }) after: string | null,
  ): Promise<EmployeeHistoryConnection> {
    const size = pageSize(first, 50);
    return connectionOfHistory(pageOf(await ctx.loaders.history.load(employee.bobId), size, after ?? null));
  }
}

function connectionOfHistory(page: HistoryPage): EmployeeHistoryConnection {
  return connectionOf(page.entries, ({ entry }) => entry as unknown as EmployeeHistoryEntry, page);
}

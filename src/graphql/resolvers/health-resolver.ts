import { Ctx, FieldResolver, Resolver } from "type-graphql";
import type { GraphQLContext } from "../context.js";
import { IntegrationHealth } from "../types/health.js";
import { Integration } from "../types/integration.js";

@Resolver(() => Integration)
export class HealthResolver {
  @FieldResolver(() => IntegrationHealth, {
    description: "Last successful sync, deliveries and failures in 24 h, drift, and why a reconnect is needed.",
  })
  async health(@Ctx() ctx: GraphQLContext): Promise<IntegrationHealth> {
    return ctx.services.health.health(ctx.caller);
  }
}

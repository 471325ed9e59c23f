import { Arg, Ctx, FieldResolver, Mutation, Query, Resolver } from "type-graphql";
import { SyncRun } from "../types/sync.js";
import type { GraphQLContext } from "../context.js";
import { ConnectIntegrationInput, Integration, UpdateSyncSettingsInput } from "../types/integration.js";

@Resolver(() => Integration)
export class IntegrationResolver {
  @Query(() => Integration, {
    description: "State of the company's Bob integration. Callable before the feature is enabled.",
  })
  async integration(@Ctx() ctx: GraphQLContext): Promise<Integration> {
    return (await ctx.services.integration.get(ctx.caller)) as Integration;
  }

  @FieldResolver(() => SyncRun, { nullable: true, description: "The company's most recent sync run." })
  async lastSyncRun(@Ctx() ctx: GraphQLContext): Promise<SyncRun | null> {
    return (await ctx.services.sync.lastRun(ctx.caller)) as SyncRun | null;
  }

  @Mutation(() => Integration, {
    description: "Internal support only (role SUPPORT): allow this company's admins to use the Bob integration.",
  })
  async enableIntegration(@Ctx() ctx: GraphQLContext): Promise<Integration> {
    return (await ctx.services.integration.enable(ctx.caller)) as Integration;
  }

  @Mutation(() => Integration, {
    description:
      "Change the deletion safeguard, the reconciliation schedule, the company's time zone or the notification URL. Absent fields keep their value; a new notification URL answers its signing secret once (notificationSecret).",
  })
  async updateSyncSettings(
    @Arg("input", () => UpdateSyncSettingsInput) input: UpdateSyncSettingsInput,
    @Ctx() ctx: GraphQLContext,
  ): Promise<Integration> {
    return (await ctx.services.integration.updateSettings(ctx.caller, input)) as Integration;
  }

  @Mutation(() => Integration, {
    description: "Verify the credential against Bob (both read scopes) and store it encrypted.",
  })
  async connectIntegration(
    @Arg("input", () => ConnectIntegrationInput) input: ConnectIntegrationInput,
    @Ctx() ctx: GraphQLContext,
  ): Promise<Integration> {
    return (await ctx.services.connection.connect(ctx.caller, input)) as Integration;
  }

  @Mutation(() => Integration, {
    description: "Forget the credential and the hook secret; stop real-time updates. Employees stay.",
  })
  async disconnectIntegration(@Ctx() ctx: GraphQLContext): Promise<Integration> {
    return (await ctx.services.connection.disconnect(ctx.caller)) as Integration;
  }
}

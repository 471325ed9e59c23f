import { Arg, Ctx, Int, Mutation, Query, Resolver } from "type-graphql";
import { connectionOf } from "../connection.js";
import type { GraphQLContext } from "../context.js";
import { Integration } from "../types/integration.js";
import { SetHookSecretInput, WebhookDelivery, WebhookDeliveryConnection } from "../types/webhooks.js";

@Resolver(() => WebhookDelivery)
export class WebhookResolver {
  @Mutation(() => Integration, {
    description: "The secret Bob shows for the webhook subscriber; turns real-time updates on.",
  })
  async setHookSecret(
    @Arg("input", () => SetHookSecretInput) input: SetHookSecretInput,
    @Ctx() ctx: GraphQLContext,
  ): Promise<Integration> {
    return (await ctx.services.webhooks.setHookSecret(ctx.caller, input.secret)) as Integration;
  }

  @Mutation(() => Integration, {
    description: "A new webhook URL for the company; the old one answers 404 from then on. The hook secret stays.",
  })
  async rotateWebhookUrl(@Ctx() ctx: GraphQLContext): Promise<Integration> {
    return (await ctx.services.webhooks.rotateWebhookUrl(ctx.caller)) as Integration;
  }

  @Query(() => WebhookDeliveryConnection, {
    description: "Newest first: what arrived on the webhook URL and what became of it.",
  })
  async webhookDeliveries(
    @Ctx() ctx: GraphQLContext,
    @Arg("first", () => Int, { nullable: true, defaultValue: 50 }) first: number,
    @Arg("after", () => String, { nullable: true }) after: string | null,
  ): Promise<WebhookDeliveryConnection> {
    const page = await ctx.services.webhooks.deliveriesOf(ctx.caller, first, after);
    return connectionOf(page.deliveries, ({ delivery }) => delivery as unknown as WebhookDelivery, page);
  }
}

import { Arg, Ctx, Mutation, Query, Resolver } from "type-graphql";
import type { GraphQLContext } from "../context.js";
import { Attribute, CreateAttributeInput } from "../types/attribute.js";

@Resolver(() => Attribute)
export class AttributeResolver {
  @Query(() => [Attribute], {
    description: "Peakon attributes of the company: the standard ones and those admins created.",
  })
  async attributes(@Ctx() ctx: GraphQLContext): Promise<Attribute[]> {
    return (await ctx.services.attributes.list(ctx.caller)) as Attribute[];
  }

  @Mutation(() => Attribute, { description: "Create a custom attribute (ADMIN)." })
  async createAttribute(
    @Arg("input", () => CreateAttributeInput) input: CreateAttributeInput,
    @Ctx() ctx: GraphQLContext,
  ): Promise<Attribute> {
    return (await ctx.services.attributes.create(ctx.caller, input)) as Attribute;
  }
}

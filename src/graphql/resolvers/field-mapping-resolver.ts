import { Arg, Ctx, Mutation, Query, Resolver } from "type-graphql";
import type { GraphQLContext } from "../context.js";
import { FieldMapping, SetFieldMappingInput } from "../types/sync.js";

@Resolver(() => FieldMapping)
export class FieldMappingResolver {
  @Query(() => [FieldMapping], {
    description: "For every Bob field (from Bob's field metadata, fetched live), how it maps to Peakon.",
  })
  async fieldMappings(@Ctx() ctx: GraphQLContext): Promise<FieldMapping[]> {
    return (await ctx.services.fieldMappings.list(ctx.caller)) as FieldMapping[];
  }

  @Mutation(() => FieldMapping, {
    description:
      "Map one Bob field explicitly: to an attribute of a compatible type, or (attributeId null) to nothing, so it is never synced. Overrides name matching; clearFieldMapping undoes it. ADMIN.",
  })
  async setFieldMapping(
    @Arg("input", () => SetFieldMappingInput) input: SetFieldMappingInput,
    @Ctx() ctx: GraphQLContext,
  ): Promise<FieldMapping> {
    return (await ctx.services.fieldMappings.set(ctx.caller, {
      bobFieldId: input.bobFieldId,
      attributeId: input.attributeId ?? null,
    })) as FieldMapping;
  }

  @Mutation(() => FieldMapping, {
    description: "Drop the override of one Bob field; returns its mapping as name matching gives it. ADMIN.",
  })
  async clearFieldMapping(
    @Arg("bobFieldId", () => String) bobFieldId: string,
    @Ctx() ctx: GraphQLContext,
  ): Promise<FieldMapping> {
    return (await ctx.services.fieldMappings.clear(ctx.caller, bobFieldId)) as FieldMapping;
  }
}

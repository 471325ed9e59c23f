import { lexicographicSortSchema, printSchema, type GraphQLSchema } from "graphql";
import { buildSchema } from "type-graphql";
import { AttributeResolver } from "./resolvers/attribute-resolver.js";
import { IntegrationResolver } from "./resolvers/integration-resolver.js";

export const RESOLVERS = [IntegrationResolver, AttributeResolver] as const;

export async function buildGatewaySchema(): Promise<GraphQLSchema> {
  return buildSchema({
    resolvers: [...RESOLVERS],
    // Input is validated by the domain, where the rules live; no class-validator.
    validate: false,
  });
}

/** The committed contract file's text: sorted, so it diffs cleanly. */
export function printSortedSchema(schema: GraphQLSchema): string {
  return `${printSchema(lexicographicSortSchema(schema))}\n`;
}

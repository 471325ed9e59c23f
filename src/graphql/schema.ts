import { lexicographicSortSchema, printSchema, type GraphQLSchema } from "graphql";
import { createPubSub } from "@graphql-yoga/subscription";
import { buildSchema } from "type-graphql";
import { AttributeResolver } from "./resolvers/attribute-resolver.js";
import { EmployeeResolver } from "./resolvers/employee-resolver.js";
import { FieldMappingResolver } from "./resolvers/field-mapping-resolver.js";
import { HealthResolver } from "./resolvers/health-resolver.js";
import { HistoryResolver } from "./resolvers/history-resolver.js";
import { SyncResolver } from "./resolvers/sync-resolver.js";
import {
  RunSurveyImpactResolver,
  SurveyImpactResolver,
  SurveyPopulationResolver,
} from "./resolvers/survey-resolver.js";
import { WebhookResolver } from "./resolvers/webhook-resolver.js";
import { IntegrationResolver } from "./resolvers/integration-resolver.js";

export const RESOLVERS = [
  IntegrationResolver,
  HealthResolver,
  AttributeResolver,
  SyncResolver,
  FieldMappingResolver,
  EmployeeResolver,
  HistoryResolver,
  WebhookResolver,
  SurveyPopulationResolver,
  RunSurveyImpactResolver,
  SurveyImpactResolver,
] as const;

export async function buildGatewaySchema(): Promise<GraphQLSchema> {
  return buildSchema({
    resolvers: [...RESOLVERS],
    // Input is validated by the domain, where the rules live; no class-validator.
    validate: false,
    // type-graphql insists on a PubSub; syncProgress brings its own stream from the ProgressBus
    // (which crosses processes through PostgreSQL), so this one carries no topic.
    pubSub: createPubSub(),
  });
}

/** The committed contract file's text: sorted, so it diffs cleanly. */
export function printSortedSchema(schema: GraphQLSchema): string {
  return `${printSchema(lexicographicSortSchema(schema))}\n`;
}

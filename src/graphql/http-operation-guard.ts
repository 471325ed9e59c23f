import type { ApolloServerPlugin } from "@apollo/server";
import { GraphQLError, type GraphQLSchema } from "graphql";
import type { GraphQLContext } from "./context.js";
import { operationLimitError } from "./operation-limits.js";

/**
 * Checks an HTTP operation once Apollo has parsed and validated it, before it executes:
 * subscriptions live on the WebSocket (executing one over HTTP would be a 500), and every
 * operation stays within the operation limits (operation-limits.ts), which need the variables.
 */
export function httpOperationGuard(schema: GraphQLSchema): ApolloServerPlugin<GraphQLContext> {
  return {
    async requestDidStart() {
      return {
        async didResolveOperation({ operation, document, request }) {
          if (operation?.operation === "subscription") {
            throw new GraphQLError(
              "Subscriptions are served over WebSocket (graphql-transport-ws on /graphql), not over HTTP POST.",
              {
                extensions: { code: "BAD_REQUEST", http: { status: 400 } },
              },
            );
          }
          const tooComplex = operationLimitError(schema, document, request.operationName, request.variables);
          if (tooComplex) throw tooComplex;
        },
      };
    },
  };
}

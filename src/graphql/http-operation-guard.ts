import type { ApolloServerPlugin } from "@apollo/server";
import { GraphQLError, type GraphQLSchema } from "graphql";
import type { GraphQLContext } from "./context.js";
import { limitErrorOf, measureOperation } from "./operation-limits.js";
import type { HeavyOperationGate } from "./heavy-operation-gate.js";

/**
 * Checks an HTTP operation once Apollo has parsed and validated it, before it executes:
 * subscriptions live on the WebSocket (executing one over HTTP would be a 500), and every
 * operation stays within the operation limits (operation-limits.ts), which need the variables.
 * With a gate, heavy operations then wait their turn to execute (heavy-operation-gate.ts).
 */
export function httpOperationGuard(
  schema: GraphQLSchema,
  gate: HeavyOperationGate | null,
): ApolloServerPlugin<GraphQLContext> {
  return {
    async requestDidStart() {
      let admitted = false;
      return {
        async willSendResponse() {
          if (admitted) gate?.leave();
          admitted = false;
        },
        async didResolveOperation({ operation, document, request }) {
          if (operation?.operation === "subscription") {
            throw new GraphQLError(
              "Subscriptions are served over WebSocket (graphql-transport-ws on /graphql), not over HTTP POST.",
              {
                extensions: { code: "BAD_REQUEST", http: { status: 400 } },
              },
            );
          }
          const measure = measureOperation(schema, document, request.operationName, request.variables);
          const tooComplex = limitErrorOf(measure);
          if (tooComplex) throw tooComplex;
          if (gate?.isHeavy(measure?.cost ?? 0)) {
            await gate.enter();
            admitted = true;
          }
        },
      };
    },
  };
}

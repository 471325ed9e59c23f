import type { ApolloServerPlugin } from "@apollo/server";
import { GraphQLError, type GraphQLSchema } from "graphql";
import type { GraphQLContext } from "./context.js";
import { measureOperation, operationLimitError } from "./operation-limits.js";
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
          const tooComplex = operationLimitError(schema, document, request.operationName, request.variables);
          if (tooComplex) throw tooComplex;
          const cost = gate
            ? (measureOperation(schema, document, request.operationName, request.variables)?.cost ?? 0)
            : 0;
          if (gate?.isHeavy(cost)) {
            await gate.enter();
            admitted = true;
          }
        },
      };
    },
  };
}

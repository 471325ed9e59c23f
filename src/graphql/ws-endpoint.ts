import type { Server as HttpServer } from "node:http";
import { randomUUID } from "node:crypto";
import type { GraphQLSchema } from "graphql";
import { CloseCode } from "graphql-ws";
import { useServer } from "graphql-ws/use/ws";
import { WebSocketServer, type WebSocket } from "ws";
import type { CallerTokens } from "../auth/caller-tokens.js";
import type { Caller } from "../domain/caller.js";
import type { Logger } from "../logger.js";
import type { Services } from "../services.js";
import { authenticate } from "./auth-context.js";
import type { GraphQLContext } from "./context.js";
import { createLoaders } from "./loaders.js";
import { formatGraphQLError } from "./errors.js";

type SocketExtra = {
  socket: WebSocket;
  caller?: Caller;
  requestId?: string;
};

export interface GraphQLWsEndpoint {
  /** Completes subscriptions and closes every socket (graceful shutdown). */
  dispose(): Promise<void>;
}

/**
 * graphql-ws on the same HTTP server and path as Apollo. The token travels in the
 * connection_init payload; a missing or invalid one closes the socket with 4401.
 */
export function createGraphQLWsEndpoint(deps: {
  httpServer: HttpServer;
  schema: GraphQLSchema;
  tokens: CallerTokens;
  services: Services;
  logger: Logger;
}): GraphQLWsEndpoint {
  const wss = new WebSocketServer({ server: deps.httpServer, path: "/graphql" });
  const cleanup = useServer<Record<string, unknown>, SocketExtra>(
    {
      schema: deps.schema,
      onConnect: async (ctx) => {
        const header = ctx.connectionParams?.authorization ?? ctx.connectionParams?.Authorization;
        try {
          ctx.extra.caller = await authenticate(deps.tokens, deps.services, typeof header === "string" ? header : undefined);
          ctx.extra.requestId = randomUUID();
          return true;
        } catch (error) {
          deps.logger.info({ reason: error instanceof Error ? error.message : "unknown" }, "websocket authentication refused");
          ctx.extra.socket.close(CloseCode.Unauthorized, "Unauthorized");
          return false;
        }
      },
      // A fresh context (and fresh loaders) per operation: batching never serves stale rows.
      context: (ctx): GraphQLContext => ({
        caller: ctx.extra.caller as Caller,
        requestId: ctx.extra.requestId ?? randomUUID(),
        services: deps.services,
        loaders: createLoaders(deps.services, ctx.extra.caller as Caller),
      }),
      onError: (_ctx, _id, _payload, errors) => errors.map((e) => formatGraphQLError(e.toJSON(), e)) as never,
    },
    wss,
  );
  return {
    async dispose() {
      await cleanup.dispose();
      for (const client of wss.clients) client.terminate();
      await new Promise<void>((resolve) => wss.close(() => resolve()));
    },
  };
}

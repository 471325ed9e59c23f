import type { Server as HttpServer } from "node:http";
import { randomUUID } from "node:crypto";
import {
  GraphQLError,
  OperationTypeNode,
  execute,
  parse,
  validate,
  type ExecutionArgs,
  type DocumentNode,
  type ExecutionResult,
  type GraphQLFormattedError,
  type GraphQLSchema,
} from "graphql";
import { CloseCode, type Context } from "graphql-ws";
import { useServer } from "graphql-ws/use/ws";
import { WebSocketServer, type WebSocket } from "ws";
import type { CallerTokens } from "../auth/caller-tokens.js";
import type { Caller } from "../domain/caller.js";
import { DomainError, type DomainErrorCode } from "../domain/errors.js";
import type { Logger } from "../logger.js";
import type { Services } from "../services.js";
import { authenticateWithExpiry } from "./auth-context.js";
import type { GraphQLContext } from "./context.js";
import { createLoaders } from "./loaders.js";
import { formatGraphQLError, logUnexpectedErrors } from "./errors.js";
import type { HeavyOperationGate } from "./heavy-operation-gate.js";
import type { RemoteQuery } from "./heavy-query-offload.js";
import { MAX_TOKENS, limitErrorOf, measureOperation } from "./operation-limits.js";
import { validationRules, withoutSuggestions } from "./schema-privacy.js";
import { SocketQuota, callerKey } from "./socket-quota.js";

/** What authenticating a socket refuses (closed 4401); anything else failed (4500). */
const REFUSALS: ReadonlySet<DomainErrorCode> = new Set(["UNAUTHENTICATED", "BAD_USER_INPUT"]);

/** Largest WebSocket message read (ws closes the socket with 1009 past it, before parsing). */
export const WS_MAX_PAYLOAD_BYTES = 64 * 1024;
/** Open sockets per caller (company + subject); the next one is closed with SOCKETS_PER_CALLER_CLOSE_CODE. */
export const MAX_SOCKETS_PER_CALLER = 20;
/** graphql-ws's 4429 ("too many"); its client does not retry on it. */
export const SOCKETS_PER_CALLER_CLOSE_CODE = 4429;
/** Operations (subscriptions, and queries/mutations in flight) per socket; the next is answered TOO_MANY_SUBSCRIPTIONS. */
export const MAX_OPERATIONS_PER_SOCKET = 50;

const MAX_TIMER_MS = 2 ** 31 - 1;

type SocketExtra = {
  socket: WebSocket;
  caller?: Caller;
  /** The token's exp, in milliseconds: the socket is closed with 4401 then. */
  expiresAtMs?: number;
  expiryTimer?: NodeJS.Timeout;
  /** Set once the socket holds a place in the caller's quota. */
  quotaKey?: string;
  requestId?: string;
  /** The connection_init authorization, kept to send heavy queries to the query thread. */
  authorization?: string;
};
type WsContext = Context<Record<string, unknown>, SocketExtra>;

export interface GraphQLWsEndpoint {
  /** Completes subscriptions and closes every socket (graceful shutdown). */
  dispose(): Promise<void>;
}

/**
 * graphql-ws on the same HTTP server and path as Apollo. The token travels in the
 * connection_init payload; a missing or invalid one closes the socket with 4401, and so does
 * its exp. Operations are parsed, validated and held to the operation limits here, as Apollo
 * does over HTTP, and errors are masked and logged as over HTTP.
 */
export function createGraphQLWsEndpoint(deps: {
  httpServer: HttpServer;
  schema: GraphQLSchema;
  tokens: CallerTokens;
  services: Services;
  logger: Logger;
  /** NODE_ENV=production: no introspection, no "Did you mean" (schema-privacy.ts). */
  production: boolean;
  /** The process's admission of heavy operations, shared with HTTP (heavy-operation-gate.ts); null: none. */
  heavyOperations?: HeavyOperationGate | null;
  /** Answers heavy queries in the query thread (heavy-query-offload.ts); null: none. */
  remote?: ((query: RemoteQuery) => Promise<ExecutionResult | null>) | null;
}): GraphQLWsEndpoint {
  const wss = new WebSocketServer({ server: deps.httpServer, path: "/graphql", maxPayload: WS_MAX_PAYLOAD_BYTES });
  const quota = new SocketQuota(MAX_SOCKETS_PER_CALLER);
  const rules = validationRules(deps.production);

  const toClient = (ctx: WsContext, id: string, errors: readonly GraphQLError[]): GraphQLFormattedError[] => {
    logUnexpectedErrors(deps.logger, errors, { requestId: ctx.extra.requestId, operationId: id });
    return errors.map((error) => {
      const formatted = formatGraphQLError(error.toJSON(), error);
      return deps.production ? { ...formatted, message: withoutSuggestions(formatted.message) } : formatted;
    });
  };

  // A socket lives no longer than its token: closed with 4401 exactly at exp (timers are
  // re-armed in steps, a setTimeout cannot wait longer than about 24.8 days).
  const closeAtExpiry = (ctx: WsContext): void => {
    const left = (ctx.extra.expiresAtMs ?? 0) - Date.now();
    if (left <= 0) ctx.extra.socket.close(CloseCode.Unauthorized, "Token expired");
    else ctx.extra.expiryTimer = setTimeout(() => closeAtExpiry(ctx), Math.min(left, MAX_TIMER_MS));
  };

  // Each operation, measured with its limits at subscribe, for the heavy-operation gate and the
  // query thread at execute.
  const measured = new WeakMap<ExecutionArgs, Measured>();
  // Results the query thread answered: their errors are masked and logged there already.
  const answeredThere = new WeakSet<ExecutionResult>();
  const cleanup = useServer<Record<string, unknown>, SocketExtra>(
    {
      schema: deps.schema,
      isProd: deps.production,
      onConnect: async (ctx) => {
        const header = ctx.connectionParams?.authorization ?? ctx.connectionParams?.Authorization;
        const { socket } = ctx.extra;
        let verified;
        try {
          verified = await authenticateWithExpiry(
            deps.tokens,
            deps.services,
            typeof header === "string" ? header : undefined,
          );
        } catch (error) {
          if (error instanceof DomainError && REFUSALS.has(error.code)) {
            deps.logger.info({ reason: error.message }, "websocket authentication refused");
            socket.close(CloseCode.Unauthorized, "Unauthorized");
          } else {
            // The token was not refused: the company could not be read or created (the database
            // is down, say). Not a 4401, which tells a client to get another token.
            deps.logger.error({ err: error }, "websocket authentication failed");
            socket.close(CloseCode.InternalServerError, "Internal server error");
          }
          return false;
        }
        // Closed while authenticating: onClose has run already, so take no place in the quota.
        if (socket.readyState !== socket.OPEN) return false;
        const key = callerKey(verified.caller);
        if (!quota.tryTake(key)) {
          deps.logger.warn(
            { companyId: verified.caller.companyId, max: MAX_SOCKETS_PER_CALLER },
            "websocket refused: too many open sockets for one caller",
          );
          socket.close(
            SOCKETS_PER_CALLER_CLOSE_CODE,
            `Too many open sockets for this caller (at most ${MAX_SOCKETS_PER_CALLER})`,
          );
          return false;
        }
        ctx.extra.quotaKey = key;
        ctx.extra.caller = verified.caller;
        ctx.extra.requestId = randomUUID();
        ctx.extra.authorization = header as string;
        ctx.extra.expiresAtMs = verified.exp * 1000;
        closeAtExpiry(ctx);
        return true;
      },
      onClose: (ctx) => {
        clearTimeout(ctx.extra.expiryTimer);
        if (ctx.extra.quotaKey !== undefined) quota.release(ctx.extra.quotaKey);
        ctx.extra.quotaKey = undefined;
      },
      // Parse, validate and check the limits ourselves: graphql-ws's defaults know no limits.
      onSubscribe: (ctx, id, payload) => {
        if (Date.now() >= (ctx.extra.expiresAtMs ?? 0)) {
          ctx.extra.socket.close(CloseCode.Unauthorized, "Token expired");
          return [new GraphQLError("The token has expired.", { extensions: { code: "UNAUTHENTICATED" } })];
        }
        // This operation is already counted among ctx.subscriptions.
        if (Object.keys(ctx.subscriptions).length > MAX_OPERATIONS_PER_SOCKET) {
          return [
            new GraphQLError(
              `Too many operations on this socket (at most ${MAX_OPERATIONS_PER_SOCKET}); complete some or open another socket.`,
              { extensions: { code: "TOO_MANY_SUBSCRIPTIONS" } },
            ),
          ];
        }
        let document: DocumentNode;
        try {
          document = parse(payload.query, { maxTokens: MAX_TOKENS });
        } catch (error) {
          const message = error instanceof Error ? error.message : "The operation could not be parsed.";
          return [new GraphQLError(message, { extensions: { code: "GRAPHQL_PARSE_FAILED" } })];
        }
        const invalid = validate(deps.schema, document, rules);
        if (invalid.length > 0)
          return invalid.map(
            (e) =>
              new GraphQLError(e.message, {
                nodes: e.nodes ?? null,
                extensions: { code: "GRAPHQL_VALIDATION_FAILED" },
              }),
          );
        const measure = measureOperation(deps.schema, document, payload.operationName, payload.variables);
        const tooComplex = limitErrorOf(measure);
        if (tooComplex) return [tooComplex];
        const args: ExecutionArgs = {
          schema: deps.schema,
          document,
          operationName: payload.operationName ?? null,
          variableValues: payload.variables ?? null,
        };
        measured.set(args, {
          cost: measure?.cost ?? 0,
          query: measure?.operation === OperationTypeNode.QUERY ? payload.query : null,
          authorization: ctx.extra.authorization ?? "",
          requestId: ctx.extra.requestId ?? randomUUID(),
        });
        return args;
      },
      // Queries and mutations over the heavy cost take their turn with HTTP's (subscriptions subscribe, not execute).
      ...(deps.heavyOperations
        ? { execute: heavyExecute(deps.schema, deps.heavyOperations, measured, deps.remote ?? null, answeredThere) }
        : {}),
      // A fresh context (and fresh loaders) per operation: batching never serves stale rows.
      context: (ctx): GraphQLContext => ({
        caller: ctx.extra.caller as Caller,
        requestId: ctx.extra.requestId ?? randomUUID(),
        services: deps.services,
        loaders: createLoaders(deps.services, ctx.extra.caller as Caller),
      }),
      // Execution errors travel inside results: masked and logged here, as formatError does over HTTP.
      onNext: (ctx, id, _payload, _args, result: ExecutionResult) =>
        result.errors?.length && !answeredThere.has(result)
          ? { ...result, errors: toClient(ctx, id, result.errors) }
          : undefined,
      // Refusals above and failures of a subscription's stream.
      onError: (ctx, id, _payload, errors) => toClient(ctx, id, errors),
    },
    wss,
  );
  // graphql-ws prints every socket error to stderr with its stack, a message over maxPayload
  // among them (one line of stack per stranger's probe); ws has already closed such a socket
  // (1009 for an oversized message), so one log line is all that is left to do.
  wss.on("connection", (socket) => {
    socket.removeAllListeners("error");
    socket.on("error", (error: Error & { code?: string }) =>
      deps.logger.info({ code: error.code ?? "unknown" }, "websocket closed on a protocol error"),
    );
  });
  return {
    async dispose() {
      await cleanup.dispose();
      for (const client of wss.clients) client.terminate();
      await new Promise<void>((resolve) => wss.close(() => resolve()));
    },
  };
}

interface Measured {
  readonly cost: number;
  /** The query's text, for the query thread; null for a mutation. */
  readonly query: string | null;
  readonly authorization: string;
  readonly requestId: string;
}

/**
 * graphql-js's execute for a heavy operation (cost measured once, at subscribe): a query goes to
 * the query thread when there is one; otherwise, or when it cannot answer, it waits for the gate
 * and executes here.
 */
function heavyExecute(
  schema: GraphQLSchema,
  gate: HeavyOperationGate,
  measured: WeakMap<ExecutionArgs, Measured>,
  remote: ((query: RemoteQuery) => Promise<ExecutionResult | null>) | null,
  answeredThere: WeakSet<ExecutionResult>,
) {
  return async (args: ExecutionArgs) => {
    const known = measured.get(args);
    const cost =
      known?.cost ?? measureOperation(schema, args.document, args.operationName, args.variableValues)?.cost ?? 0;
    if (!gate.isHeavy(cost)) return execute(args);
    if (remote && known?.query) {
      const result = await remote({
        query: known.query,
        operationName: args.operationName ?? null,
        variables: (args.variableValues as Record<string, unknown> | null | undefined) ?? null,
        authorization: known.authorization,
        requestId: known.requestId,
      });
      if (result) {
        answeredThere.add(result);
        return result;
      }
    }
    await gate.enter();
    try {
      return await execute(args);
    } finally {
      gate.leave();
    }
  };
}

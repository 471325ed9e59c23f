import { ApolloServer, type ApolloServerPlugin } from "@apollo/server";
import { ApolloServerPluginCacheControlDisabled } from "@apollo/server/plugin/disabled";
import { expressMiddleware } from "@as-integrations/express5";
import express, { type ErrorRequestHandler, type RequestHandler } from "express";
import { GraphQLError, type GraphQLSchema } from "graphql";
import type { CallerTokens } from "../auth/caller-tokens.js";
import { DomainError } from "../domain/errors.js";
import { requestIdOf } from "../http/request-id.js";
import type { Logger } from "../logger.js";
import type { Services } from "../services.js";
import { authenticate } from "./auth-context.js";
import type { GraphQLContext } from "./context.js";
import { createLoaders } from "./loaders.js";
import { compiledExecution } from "./compiled-execution.js";
import { INTERNAL_MESSAGE, errorLoggingPlugin, formatGraphQLError, toGraphQLError } from "./errors.js";
import type { HeavyOperationGate } from "./heavy-operation-gate.js";
import { httpOperationGuard } from "./http-operation-guard.js";
import { MAX_TOKENS } from "./operation-limits.js";
import { serialise, type GraphQLReadCache } from "./read-cache.js";

export interface GraphQLHttpEndpoint {
  readonly apollo: ApolloServer<GraphQLContext>;
  readonly handler: RequestHandler[];
}

/** POST /graphql: Apollo Server over Express, authenticated per request. */
export async function createGraphQLHttpEndpoint(deps: {
  schema: GraphQLSchema;
  tokens: CallerTokens;
  services: Services;
  logger: Logger;
  plugins: ApolloServerPlugin<GraphQLContext>[];
  /** Serves repeated directory reads from memory while the company's directory is unchanged. */
  readCache?: GraphQLReadCache | null;
  /** NODE_ENV=production: no introspection, no "Did you mean" (schema-privacy.ts). */
  production: boolean;
  /** Heavy operations admitted a few at a time (heavy-operation-gate.ts); null: all at once. */
  heavyOperations?: HeavyOperationGate | null;
  /** Sends heavy queries elsewhere before Apollo sees them (heavy-query-offload.ts); null: none. */
  offload?: RequestHandler | null;
}): Promise<GraphQLHttpEndpoint> {
  const apollo = new ApolloServer<GraphQLContext>({
    // Operations run compiled (compiled-execution.ts); Apollo still parses, validates and runs the plugins.
    gateway: compiledExecution(deps.schema),
    formatError: formatGraphQLError,
    includeStacktraceInErrorResponses: false,
    // No client registers queries by hash: off, so no stranger can fill a cache with them.
    persistedQueries: false,
    introspection: !deps.production,
    hideSchemaDetailsFromClientErrors: deps.production,
    // Parsing stops past MAX_TOKENS: a 1 MiB body of fields would otherwise cost a second of CPU.
    parseOptions: { maxTokens: MAX_TOKENS },
    // No cache hints are used. Apollo's default cache-control plugin would make it wrap every
    // field resolver of the schema with a per-field hook: several microseconds on each of the
    // thousands of fields a page of employees resolves.
    plugins: [
      ApolloServerPluginCacheControlDisabled(),
      errorLoggingPlugin(deps.logger),
      httpOperationGuard(deps.schema, deps.heavyOperations ?? null),
      ...(deps.readCache ? [deps.readCache.plugin()] : []),
      ...deps.plugins,
    ],
    // Large results are serialised in slices (time-slicing.ts), between which the process serves others.
    stringifyResult: deps.readCache ? deps.readCache.stringifyResult : serialise,
  });
  await apollo.start();
  const middleware = expressMiddleware(apollo, {
    context: async ({ req, res }) => {
      try {
        const caller = await authenticate(deps.tokens, deps.services, req.header("authorization"));
        return {
          caller,
          requestId: requestIdOf(res),
          services: deps.services,
          loaders: createLoaders(deps.services, caller),
        };
      } catch (error) {
        if (error instanceof DomainError) throw toGraphQLError(error);
        deps.logger.error({ requestId: requestIdOf(res), err: error }, "unexpected error while authenticating");
        throw new GraphQLError(INTERNAL_MESSAGE, {
          extensions: { code: "INTERNAL_SERVER_ERROR", http: { status: 500 } },
        });
      }
    },
  });
  // Its own express app, only to turn off ETags: express would hash every response body (SHA-1
  // over up to megabytes) for an ETag no POST ever uses.
  const graphqlApp = express();
  graphqlApp.disable("etag");
  graphqlApp.disable("x-powered-by");
  graphqlApp.use((_req, res, next) => {
    res.setHeader("X-Content-Type-Options", "nosniff");
    next();
  });
  graphqlApp.use(
    express.json({ limit: BODY_LIMIT }),
    ...(deps.offload ? [deps.offload] : []),
    middleware,
    bodyErrors(deps.logger),
  );
  return { apollo, handler: [graphqlApp] };
}

const BODY_LIMIT = "1mb"; // 1 MiB

/**
 * A body the JSON parser refuses (over the limit, not JSON, an unknown charset, ...) or anything
 * else thrown before Apollo answered: a GraphQL-style JSON error with the parser's status, never
 * Express's HTML error page (which would show a stack outside production).
 */
function bodyErrors(logger: Logger): ErrorRequestHandler {
  return (error: unknown, _req, res, next) => {
    if (res.headersSent) {
      next(error);
      return;
    }
    const { status, type } = (error ?? {}) as { status?: unknown; type?: unknown };
    let answer: { status: number; code: string; message: string };
    if (typeof status === "number" && status >= 400 && status < 500) {
      answer =
        status === 413
          ? { status, code: "PAYLOAD_TOO_LARGE", message: "Request body is larger than 1 MiB." }
          : type === "entity.parse.failed"
            ? { status, code: "BAD_REQUEST", message: "Request body is not valid JSON." }
            : { status, code: "BAD_REQUEST", message: "Request body could not be read." };
    } else {
      logger.error({ requestId: requestIdOf(res), err: error }, "unexpected error on /graphql");
      answer = { status: 500, code: "INTERNAL_SERVER_ERROR", message: INTERNAL_MESSAGE };
    }
    res.status(answer.status).json({ errors: [{ message: answer.message, extensions: { code: answer.code } }] });
  };
}

import type { ApolloServerPlugin } from "@apollo/server";
import { unwrapResolverError } from "@apollo/server/errors";
import { GraphQLError, type GraphQLFormattedError } from "graphql";
import { DomainError } from "../domain/errors.js";
import type { Logger } from "../logger.js";
import type { GraphQLContext } from "./context.js";
import { QUERY_TOO_COMPLEX, isTokenLimitMessage } from "./operation-limits.js";

/**
 * The one place GraphQL errors are mapped. Domain errors keep their code and message; GraphQL's
 * own request errors (parse, validation, variable coercion) pass through; anything else is
 * unexpected and masked: no stack, SQL or secret reaches a client.
 */
const PASS_THROUGH_CODES = new Set([
  "GRAPHQL_PARSE_FAILED",
  "GRAPHQL_VALIDATION_FAILED",
  "BAD_USER_INPUT",
  "BAD_REQUEST",
  "OPERATION_RESOLUTION_FAILURE",
  "PERSISTED_QUERY_NOT_FOUND",
  "PERSISTED_QUERY_NOT_SUPPORTED",
  "UNAUTHENTICATED",
  QUERY_TOO_COMPLEX,
  "TOO_MANY_SUBSCRIPTIONS",
]);

export const INTERNAL_MESSAGE = "Internal server error. The gateway logged it with the request id.";

export function isUnexpected(error: unknown): boolean {
  const original = unwrapResolverError(error);
  if (original instanceof DomainError) return false;
  if (original instanceof GraphQLError) {
    const code = original.extensions?.code;
    if (typeof code === "string" && PASS_THROUGH_CODES.has(code)) return false;
    // A GraphQLError thrown by graphql-js itself (e.g. a scalar rejecting input) has no original.
    return original.originalError !== undefined && !(original.originalError instanceof GraphQLError);
  }
  return true;
}

export function formatGraphQLError(formatted: GraphQLFormattedError, error: unknown): GraphQLFormattedError {
  const original = unwrapResolverError(error);
  const base = {
    message: formatted.message,
    ...(formatted.locations ? { locations: formatted.locations } : {}),
    ...(formatted.path ? { path: formatted.path } : {}),
  };
  if (original instanceof DomainError) {
    return { ...base, message: original.message, extensions: { code: original.code, ...original.details } };
  }
  if (!isUnexpected(error)) {
    // The parser's token limit is an operation limit like the others (operation-limits.ts).
    const code = isTokenLimitMessage(formatted.message)
      ? QUERY_TOO_COMPLEX
      : (formatted.extensions?.code ?? "BAD_USER_INPUT");
    return { ...base, extensions: { code } };
  }
  return { ...base, message: INTERNAL_MESSAGE, extensions: { code: "INTERNAL_SERVER_ERROR" } };
}

/** Logs every unexpected error with the request id the client can quote. */
export function errorLoggingPlugin(logger: Logger): ApolloServerPlugin<GraphQLContext> {
  return {
    async requestDidStart() {
      return {
        async didEncounterErrors({ errors, contextValue, operationName }) {
          logUnexpectedErrors(logger, errors, { requestId: contextValue?.requestId, operationName });
        },
      };
    },
  };
}

/** Logs each unexpected error (the ones formatGraphQLError masks), the same for both transports. */
export function logUnexpectedErrors(
  logger: Logger,
  errors: readonly unknown[],
  fields: { requestId: string | undefined; operationName?: string | null; operationId?: string },
): void {
  for (const error of errors) {
    if (!isUnexpected(error)) continue;
    logger.error({ ...fields, err: unwrapResolverError(error) }, "unexpected GraphQL error");
  }
}

/** Domain failures during authentication become GraphQL errors with the right HTTP status. */
export function toGraphQLError(error: DomainError): GraphQLError {
  const status = error.code === "UNAUTHENTICATED" ? 401 : error.code === "FORBIDDEN" ? 403 : 400;
  return new GraphQLError(error.message, { extensions: { code: error.code, http: { status } } });
}

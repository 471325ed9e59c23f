import type { GatewayExecutor, GatewayInterface } from "@apollo/server-gateway-interface";
import { GraphQLError, getVariableValues, type DocumentNode, type ExecutionResult, type GraphQLSchema } from "graphql";
import { compileQuery, isCompiledQuery, type CompiledQuery } from "graphql-jit";

/**
 * Operations executed by graphql-jit: each operation is compiled once into plain JavaScript
 * (no per-field path objects, argument maps or null-prototype result objects), then run on every
 * request with its variables. Apollo Server 5 takes a custom executor only through its gateway
 * interface: this gateway serves our own schema, never changes it, and executes with graphql-jit.
 */
export function compiledExecution(schema: GraphQLSchema): GatewayInterface {
  // Keyed on the parsed document: Apollo keeps one per distinct query text in its bounded
  // document store, so a compiled operation lives as long as its document does.
  const compiled = new WeakMap<DocumentNode, Map<string, CompiledQuery | ExecutionResult>>();
  const compiledFor = (document: DocumentNode, operationName: string | undefined): CompiledQuery | ExecutionResult => {
    let byName = compiled.get(document);
    if (!byName) compiled.set(document, (byName = new Map()));
    const key = operationName ?? "";
    let query = byName.get(key);
    if (!query) byName.set(key, (query = compileQuery(schema, document, operationName)));
    return query;
  };
  const executor: GatewayExecutor = async (request) => {
    const query = compiledFor(request.document, request.operationName ?? undefined);
    if (!isCompiledQuery(query)) return query;
    const variables = request.request.variables ?? {};
    // Variables are checked by graphql-js first, so a bad one is refused with graphql-js's own
    // error (Apollo answers it BAD_USER_INPUT); the compiled operation then coerces the same values.
    if (request.operation.variableDefinitions?.length) {
      const checked = getVariableValues(schema, request.operation.variableDefinitions, variables, { maxErrors: 50 });
      if (checked.errors) return { errors: checked.errors };
    }
    const result = await query.query(undefined, request.context, variables);
    return result.errors ? { ...result, errors: result.errors.map(asGraphQLError) } : result;
  };
  return {
    onSchemaLoadOrUpdate(callback) {
      callback({ apiSchema: schema, coreSupergraphSdl: "" });
      return () => undefined;
    },
    load: async () => ({ executor }),
    stop: async () => undefined,
  };
}

/**
 * graphql-jit's errors descend from GraphQLError but leave `extensions` undefined when the
 * thrown error has none, where graphql-js always gives an object (Apollo and our error mapping
 * read it): each becomes a graphql-js GraphQLError with the same message, path, locations and
 * original error, as graphql-js itself would have reported it.
 */
function asGraphQLError(error: GraphQLError): GraphQLError {
  const rebuilt = new GraphQLError(error.message, {
    path: error.path,
    originalError: error.originalError ?? null,
    extensions: error.extensions ?? null,
  });
  if (error.locations) (rebuilt as { locations?: GraphQLError["locations"] }).locations = error.locations;
  return rebuilt;
}

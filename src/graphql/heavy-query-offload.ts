import { Agent, request, type IncomingHttpHeaders } from "node:http";
import type { RequestHandler } from "express";
import { OperationTypeNode, parse, type GraphQLSchema } from "graphql";
import { requestIdOf } from "../http/request-id.js";
import type { Logger } from "../logger.js";
import type { QueryThread } from "../threads/query-thread.js";
import { HEAVY_COST } from "./heavy-operation-gate.js";
import { limitErrorOf, MAX_TOKENS, measureOperation } from "./operation-limits.js";

/** Headers of the thread's answer that belong to its hop, not to the caller's. */
const HOP_HEADERS = new Set(["connection", "keep-alive", "transfer-encoding", "date"]);

/**
 * POST /graphql, after the body is read: a heavy query (cost ≥ HEAVY_COST, within the limits)
 * is sent as it came to the query thread (threads/query-thread.ts), whose answer is streamed back
 * untouched; so its SQL rows, execution and serialisation never run on this thread's event loop.
 * Everything else, and every heavy query while the thread is down, goes on to Apollo here.
 * The thread authenticates, masks errors and logs exactly as this process does: it is the same
 * gateway.
 */
export function heavyQueryOffload(deps: {
  schema: GraphQLSchema;
  thread: QueryThread;
  logger: Logger;
}): RequestHandler {
  const agent = new Agent({ keepAlive: true, maxSockets: 64 });
  return (req, res, next) => {
    if (!isHeavyQuery(deps.schema, req.body)) {
      next();
      return;
    }
    const target = deps.thread.url;
    if (!target) {
      deps.thread.stats.fallbacks++; // starting, or restarting after it died
      next();
      return;
    }
    const body = JSON.stringify(req.body);
    const headers: Record<string, string> = {
      "content-type": "application/json",
      "content-length": String(Buffer.byteLength(body)),
      "x-request-id": requestIdOf(res),
    };
    const authorization = req.header("authorization");
    if (authorization !== undefined) headers.authorization = authorization;
    const accept = req.header("accept");
    if (accept !== undefined) headers.accept = accept;

    let answered = false;
    let callerGone = false;
    const upstream = request(`${target}/graphql`, { method: "POST", headers, agent }, (answer) => {
      answered = true;
      deps.thread.stats.offloaded++;
      res.writeHead(answer.statusCode ?? 502, ownHeaders(answer.headers));
      answer.pipe(res);
      answer.once("error", () => res.destroy());
    });
    upstream.once("error", (error) => {
      if (callerGone) return; // our own destroy below: nobody is waiting for an answer
      if (answered || res.headersSent) {
        res.destroy();
        return;
      }
      // The thread is gone or restarting: this process answers instead (nothing was executed there
      // that could have changed anything: queries only).
      deps.thread.stats.fallbacks++;
      deps.logger.warn({ requestId: requestIdOf(res), err: error }, "query thread unreachable; answered here");
      next();
    });
    res.once("close", () => {
      if (res.writableFinished) return;
      callerGone = true;
      upstream.destroy();
    });
    upstream.end(body);
  };
}

function isHeavyQuery(schema: GraphQLSchema, body: unknown): boolean {
  if (typeof body !== "object" || body === null || Array.isArray(body)) return false;
  const { query, operationName, variables } = body as Record<string, unknown>;
  if (typeof query !== "string") return false;
  if (operationName !== undefined && operationName !== null && typeof operationName !== "string") return false;
  if (variables !== undefined && variables !== null && (typeof variables !== "object" || Array.isArray(variables)))
    return false;
  try {
    const measure = measureOperation(
      schema,
      parse(query, { maxTokens: MAX_TOKENS }),
      operationName as string | null | undefined,
      variables as Record<string, unknown> | null | undefined,
    );
    // Over a limit: refused here in microseconds, as it would be there.
    return (
      measure !== null &&
      measure.operation === OperationTypeNode.QUERY &&
      measure.cost >= HEAVY_COST &&
      limitErrorOf(measure) === null
    );
  } catch {
    return false; // not GraphQL: Apollo here says why
  }
}

function ownHeaders(headers: IncomingHttpHeaders): IncomingHttpHeaders {
  const own: IncomingHttpHeaders = {};
  for (const [name, value] of Object.entries(headers)) if (!HOP_HEADERS.has(name)) own[name] = value;
  return own;
}

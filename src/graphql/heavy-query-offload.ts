import { Agent, request, type IncomingHttpHeaders } from "node:http";
import type { RequestHandler } from "express";
import { OperationTypeNode, parse, type ExecutionResult, type GraphQLSchema } from "graphql";
import { requestIdOf } from "../http/request-id.js";
import type { Logger } from "../logger.js";
import type { QueryThread } from "../threads/query-thread.js";
import { HEAVY_COST } from "./heavy-operation-gate.js";
import { limitErrorOf, MAX_TOKENS, measureOperation } from "./operation-limits.js";

/** Headers of the thread's answer that belong to its hop, not to the caller's. */
const HOP_HEADERS = new Set(["connection", "keep-alive", "transfer-encoding", "date"]);

/**
 * /graphql (POST, after the body is read, or GET): a heavy query (cost ≥ HEAVY_COST, within the limits)
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
  const agent = agentOf(deps.thread);
  return (req, res, next) => {
    // POST carries the operation in its JSON body; Apollo also serves queries over GET (URL parameters).
    const operation = req.method === "POST" ? req.body : req.method === "GET" ? fromUrl(req.query) : null;
    if (!isHeavyQuery(deps.schema, operation)) {
      next();
      return;
    }
    const target = deps.thread.target();
    if (!target) {
      deps.thread.stats.fallbacks++; // starting, or restarting after it died
      next();
      return;
    }
    const body = req.method === "POST" ? JSON.stringify(req.body) : null;
    const headers: Record<string, string> = { "x-request-id": requestIdOf(res) };
    if (body !== null) {
      headers["content-type"] = "application/json";
      headers["content-length"] = String(Buffer.byteLength(body));
    }
    // What Apollo reads there: the caller's token, what it accepts, and (GET) its CSRF preflight.
    for (const name of FORWARDED) {
      const value = req.header(name);
      if (value !== undefined && headers[name] === undefined) headers[name] = value;
    }

    let answered = false;
    let callerGone = false;
    const path = req.method === "POST" ? "/graphql" : `/graphql${searchOf(req.originalUrl)}`;
    const upstream = request(`${target}${path}`, { method: req.method, headers, agent }, (answer) => {
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
    upstream.end(body ?? undefined);
  };
}

/** What a heavy query over WebSocket needs to be answered there. */
export interface RemoteQuery {
  readonly query: string;
  readonly operationName: string | null;
  readonly variables: Readonly<Record<string, unknown>> | null;
  /** The socket's connection_init authorization ("Bearer <JWT>"): the thread authenticates it again. */
  readonly authorization: string;
  readonly requestId: string;
}

/**
 * Over WebSocket (graphql-ws sends results it serialises itself): the thread answers the query and
 * its JSON comes back parsed, which costs this thread a parse instead of the execution. Null when
 * the thread is down or did not answer 200: the caller executes here.
 */
export function heavyQueryRemote(deps: {
  thread: QueryThread;
  logger: Logger;
}): (query: RemoteQuery) => Promise<ExecutionResult | null> {
  const agent = agentOf(deps.thread);
  return async (op) => {
    const target = deps.thread.target();
    if (!target) {
      deps.thread.stats.fallbacks++;
      return null;
    }
    const body = JSON.stringify({ query: op.query, operationName: op.operationName, variables: op.variables });
    try {
      const answer = await new Promise<{ status: number; text: string }>((resolve, reject) => {
        const upstream = request(
          `${target}/graphql`,
          {
            method: "POST",
            agent,
            headers: {
              "content-type": "application/json",
              "content-length": String(Buffer.byteLength(body)),
              authorization: op.authorization,
              "x-request-id": op.requestId,
            },
          },
          (res) => {
            const chunks: Buffer[] = [];
            res.on("data", (chunk: Buffer) => chunks.push(chunk));
            res.once("end", () =>
              resolve({ status: res.statusCode ?? 0, text: Buffer.concat(chunks).toString("utf8") }),
            );
            res.once("error", reject);
          },
        );
        upstream.once("error", reject);
        upstream.end(body);
      });
      if (answer.status !== 200) {
        deps.thread.stats.fallbacks++;
        return null;
      }
      deps.thread.stats.offloaded++;
      return JSON.parse(answer.text) as ExecutionResult;
    } catch (error) {
      deps.thread.stats.fallbacks++;
      deps.logger.warn({ requestId: op.requestId, err: error }, "query thread unreachable; answered here");
      return null;
    }
  };
}

/** One keep-alive pool of connections to the thread, whichever transport forwards. */
const agents = new WeakMap<QueryThread, Agent>();
function agentOf(thread: QueryThread): Agent {
  let agent = agents.get(thread);
  if (!agent) agents.set(thread, (agent = new Agent({ keepAlive: true, maxSockets: 64 })));
  return agent;
}

const FORWARDED = ["authorization", "accept", "content-type", "apollo-require-preflight", "x-apollo-operation-name"];

/** GET's operation: `query`, `operationName` and `variables` (JSON text) as URL parameters. */
function fromUrl(params: unknown): unknown {
  if (typeof params !== "object" || params === null) return null;
  const { query, operationName, variables } = params as Record<string, unknown>;
  if (typeof variables !== "string") return { query, operationName, variables };
  try {
    return { query, operationName, variables: JSON.parse(variables) as unknown };
  } catch {
    return null; // Apollo here says what is wrong with them
  }
}

function searchOf(url: string): string {
  const at = url.indexOf("?");
  return at < 0 ? "" : url.slice(at);
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

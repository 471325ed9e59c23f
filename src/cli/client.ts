/**
 * How the CLI talks to a gateway: queries and mutations over HTTP with graphql-request, the
 * syncProgress subscription over graphql-ws (with `ws` as the WebSocket). Every failure becomes a
 * CliError carrying the process exit code the CLI documents in --help.
 */
import { ClientError, GraphQLClient } from "graphql-request";
import { createClient, type Client as WsClient } from "graphql-ws";
import WebSocket from "ws";
import type { TypedDocumentString } from "./generated/graphql.js";

export const EXIT = {
  OK: 0,
  /** The API answered an error (its extensions.code and message go to stderr). */
  API_ERROR: 1,
  /** Unknown command or flag, missing or malformed argument. */
  USAGE: 2,
  /** Nothing answers at the URL, or what answers is not a gateway. */
  UNREACHABLE: 3,
  /** `sync --wait` followed a run that ended FAILED. */
  RUN_FAILED: 4,
  /** `sync --wait` followed a run the deletion safeguard HELD (approve it to apply). */
  RUN_HELD: 5,
} as const;

export type ExitCode = (typeof EXIT)[keyof typeof EXIT];

export class CliError extends Error {
  override name = "CliError";
  constructor(
    message: string,
    readonly exitCode: ExitCode,
    /** The API's extensions.code, when the API answered the error. */
    readonly code?: string,
  ) {
    super(message);
  }
}

export const usageError = (message: string): CliError => new CliError(message, EXIT.USAGE);

/** A gateway's base URL from what the user typed: trailing slashes and /graphql are optional. */
export function normalizeBaseUrl(raw: string): string {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw usageError(`--url must be an http(s) URL such as http://localhost:4000 (got "${raw}").`);
  }
  if (url.protocol !== "http:" && url.protocol !== "https:")
    throw usageError(`--url must start with http:// or https:// (got "${raw}").`);
  const path = url.pathname.replace(/\/+$/, "").replace(/\/graphql$/, "");
  return `${url.origin}${path}`;
}

export interface GatewayClientOptions {
  /** Base URL of the gateway, e.g. http://localhost:4000 (the API is at /graphql). */
  readonly url: string;
  readonly token: string;
  /** Per-request timeout; default 30 s. */
  readonly timeoutMs?: number;
}

interface ApiErrorShape {
  message?: string;
  extensions?: { code?: unknown };
}

/** An operation's variables may be left out when it has none, or none required. */
export type VariablesArgument<V> = {} extends V ? [variables?: V] : [variables: V];

/** Operations are the generated documents (npm run codegen): their answer and variables are typed from them. */
export interface GatewayClient {
  readonly baseUrl: string;
  readonly graphqlUrl: string;
  request<R, V>(document: TypedDocumentString<R, V>, ...variables: VariablesArgument<V>): Promise<R>;
  /**
   * Follows a subscription until `until` says the event is the last one (or the server completes
   * the stream), calling onEvent for each; resolves with the last event's data.
   */
  subscribe<R, V>(
    document: TypedDocumentString<R, V>,
    variables: V,
    onEvent: (data: R) => void,
    until?: (data: R) => boolean,
  ): Promise<R | null>;
  close(): Promise<void>;
}

function networkCause(error: unknown): string {
  const cause = (error as { cause?: { code?: string; message?: string } } | null)?.cause;
  if (cause?.code) return cause.code;
  if (cause?.message) return cause.message;
  return error instanceof Error ? error.message : String(error);
}

/** Maps whatever graphql-request threw to the CLI's exit codes. */
export function toCliError(error: unknown, graphqlUrl: string): CliError {
  if (error instanceof CliError) return error;
  if (error instanceof ClientError) {
    const first = (error.response.errors as ApiErrorShape[] | undefined)?.[0];
    if (first) {
      const code = typeof first.extensions?.code === "string" ? first.extensions.code : "ERROR";
      return new CliError(first.message ?? "The API answered an error.", EXIT.API_ERROR, code);
    }
    return new CliError(
      `${graphqlUrl} answered HTTP ${error.response.status} without a GraphQL answer: is this a Bob gateway?`,
      EXIT.UNREACHABLE,
    );
  }
  if (error instanceof Error && (error.name === "TimeoutError" || error.name === "AbortError")) {
    return new CliError(`${graphqlUrl} did not answer in time.`, EXIT.UNREACHABLE);
  }
  if (error instanceof TypeError) {
    // fetch's network failures: "fetch failed" with the system error as cause.
    return new CliError(`Cannot reach the gateway at ${graphqlUrl} (${networkCause(error)}).`, EXIT.UNREACHABLE);
  }
  if (error instanceof Error && /JSON|Unexpected token|Invalid execution result/i.test(error.message)) {
    return new CliError(`${graphqlUrl} did not answer GraphQL: is this a Bob gateway?`, EXIT.UNREACHABLE);
  }
  return new CliError(error instanceof Error ? error.message : String(error), EXIT.UNREACHABLE);
}

/** Maps what graphql-ws reports to a sink's error (GraphQL errors, a close event, a socket error). */
export function toCliErrorFromWs(error: unknown, wsUrl: string): CliError {
  if (Array.isArray(error)) {
    const first = error[0] as ApiErrorShape | undefined;
    const code = typeof first?.extensions?.code === "string" ? first.extensions.code : "ERROR";
    return new CliError(first?.message ?? "The subscription answered an error.", EXIT.API_ERROR, code);
  }
  const close = error as { code?: unknown; reason?: unknown } | null;
  if (close && typeof close.code === "number") {
    if (close.code === 4401)
      return new CliError("The gateway refused the subscription's token.", EXIT.API_ERROR, "UNAUTHENTICATED");
    if (close.code === 4403) return new CliError("The gateway forbids this subscription.", EXIT.API_ERROR, "FORBIDDEN");
    const reason = typeof close.reason === "string" && close.reason !== "" ? `: ${close.reason}` : "";
    return new CliError(`The subscription socket at ${wsUrl} closed (${close.code}${reason}).`, EXIT.UNREACHABLE);
  }
  const message =
    error instanceof Error ? error.message : ((close as { message?: string } | null)?.message ?? String(error));
  return new CliError(`Cannot follow progress over ${wsUrl} (${message}).`, EXIT.UNREACHABLE);
}

export function createGatewayClient(options: GatewayClientOptions): GatewayClient {
  const baseUrl = normalizeBaseUrl(options.url);
  const graphqlUrl = `${baseUrl}/graphql`;
  const wsUrl = graphqlUrl.replace(/^http/, "ws");
  const timeoutMs = options.timeoutMs ?? 30_000;
  const authorization = `Bearer ${options.token}`;
  const http = new GraphQLClient(graphqlUrl, {
    headers: { authorization },
    // A fresh timeout per request (a single AbortSignal would expire for the whole session).
    requestMiddleware: (request) => ({ ...request, signal: AbortSignal.timeout(timeoutMs) }),
  });
  let ws: WsClient | null = null;
  const socket = (): WsClient => {
    ws ??= createClient({
      url: wsUrl,
      webSocketImpl: WebSocket,
      connectionParams: { authorization },
      retryAttempts: 0,
      lazy: true,
    });
    return ws;
  };

  return {
    baseUrl,
    graphqlUrl,
    async request<R, V>(document: TypedDocumentString<R, V>, ...[variables]: VariablesArgument<V>): Promise<R> {
      try {
        return await http.request<R>(document.toString(), (variables ?? {}) as Record<string, unknown>);
      } catch (error) {
        throw toCliError(error, graphqlUrl);
      }
    },
    subscribe<R, V>(
      document: TypedDocumentString<R, V>,
      variables: V,
      onEvent: (data: R) => void,
      until: (data: R) => boolean = () => false,
    ): Promise<R | null> {
      return new Promise<R | null>((resolve, reject) => {
        let last: R | null = null;
        let settled = false;
        const finish = (fn: () => void): void => {
          if (settled) return;
          settled = true;
          unsubscribe();
          fn();
        };
        const unsubscribe = socket().subscribe<R>(
          { query: document.toString(), variables: variables as Record<string, unknown> },
          {
            next: (value) => {
              if (value.errors && value.errors.length > 0) {
                finish(() => reject(toCliErrorFromWs(value.errors, wsUrl)));
                return;
              }
              if (!value.data) return;
              last = value.data;
              onEvent(value.data);
              if (until(value.data)) finish(() => resolve(last));
            },
            error: (error) => finish(() => reject(toCliErrorFromWs(error, wsUrl))),
            complete: () => finish(() => resolve(last)),
          },
        );
      });
    },
    async close(): Promise<void> {
      await ws?.dispose();
      ws = null;
    },
  };
}

/** The gateway's GraphQL API: queries and mutations over POST /graphql, subscriptions over graphql-ws. */
import { createClient, type Client } from "graphql-ws";
import type { TypedDocumentString } from "./generated/graphql.mjs";
import { session } from "./state.mjs";

/** A GraphQL error with its extensions.code (UNAUTHENTICATED, BOB_INVALID_CREDENTIALS, ...). */
export class ApiError extends Error {
  constructor(
    message: string,
    readonly code: string,
    readonly requestId: string | null = null,
  ) {
    super(message);
    this.name = "ApiError";
  }
}

interface GraphQLBody<T> {
  data?: T | null;
  errors?: { message: string; extensions?: { code?: string } }[];
}

/** Called when the gateway no longer accepts the token (expired, wrong secret). */
let onUnauthenticated: () => void = () => undefined;
export function whenUnauthenticated(handler: () => void): void {
  onUnauthenticated = handler;
}

/** An operation's variables may be left out when it has none, or none required. */
type VariablesArgument<V> = {} extends V ? [variables?: V] : [variables: V];

/** Runs a generated operation (npm run codegen): its answer and variables are typed from the document. */
export async function gql<R, V>(document: TypedDocumentString<R, V>, ...[variables]: VariablesArgument<V>): Promise<R> {
  const headers: Record<string, string> = { "content-type": "application/json" };
  const token = session.token();
  if (token) headers.authorization = `Bearer ${token}`;
  let res: Response;
  try {
    res = await fetch("/graphql", {
      method: "POST",
      headers,
      body: JSON.stringify({ query: document.toString(), variables: variables ?? {} }),
    });
  } catch {
    throw new ApiError("The gateway could not be reached.", "NETWORK");
  }
  const requestId = res.headers.get("x-request-id");
  let body: GraphQLBody<R>;
  try {
    body = (await res.json()) as GraphQLBody<R>;
  } catch {
    throw new ApiError(
      `The gateway answered ${res.status} without a GraphQL body.`,
      "INTERNAL_SERVER_ERROR",
      requestId,
    );
  }
  const first = body.errors?.[0];
  if (first) {
    const error = new ApiError(first.message, first.extensions?.code ?? "INTERNAL_SERVER_ERROR", requestId);
    if (error.code === "UNAUTHENTICATED") onUnauthenticated();
    throw error;
  }
  if (!body.data) throw new ApiError("The gateway answered without data.", "INTERNAL_SERVER_ERROR", requestId);
  return body.data;
}

let client: Client | null = null;

function ws(): Client {
  if (client) return client;
  const url = new URL("/graphql", location.href);
  url.protocol = url.protocol === "https:" ? "wss:" : "ws:";
  client = createClient({
    url: url.toString(),
    lazy: true,
    retryAttempts: 5,
    connectionParams: () => ({ authorization: `Bearer ${session.token() ?? ""}` }),
    shouldRetry: (event) => !(event instanceof CloseEvent && event.code === 4401),
    on: {
      closed: (event) => {
        if (event instanceof CloseEvent && event.code === 4401) onUnauthenticated();
      },
    },
  });
  return client;
}

export interface Subscription {
  stop(): void;
}

/** Starts a subscription; next() gets each result's data, error() a failure in plain text. */
export function subscribe<R, V>(
  document: TypedDocumentString<R, V>,
  variables: V,
  sink: { next: (data: R) => void; error?: (error: ApiError) => void; complete?: () => void },
): Subscription {
  const stop = ws().subscribe<R>(
    { query: document.toString(), variables: variables as Record<string, unknown> },
    {
      next: (result) => {
        const first = result.errors?.[0];
        if (first)
          sink.error?.(new ApiError(first.message, String(first.extensions?.["code"] ?? "INTERNAL_SERVER_ERROR")));
        else if (result.data) sink.next(result.data as R);
      },
      error: () => sink.error?.(new ApiError("Live updates were interrupted.", "NETWORK")),
      complete: () => sink.complete?.(),
    },
  );
  return { stop };
}

/** Closes the live connection (sign out): the next subscription opens a new one with the new token. */
export async function closeLive(): Promise<void> {
  const current = client;
  client = null;
  await current?.dispose();
}

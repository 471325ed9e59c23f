/**
 * One HTTP exchange with Bob, nothing more: no retries, no parsing. Every way it can go wrong
 * comes back as a value, so the retry loop can decide without catching exceptions.
 */

export type FetchLike = (input: string, init: RequestInit) => Promise<Response>;

export interface OutgoingRequest {
  readonly method: "GET" | "POST";
  readonly url: string;
  readonly headers: Record<string, string>;
  readonly body?: string;
}

export type ExchangeResult =
  /** `streamed` is what the sink made of a 2xx body (then `body` is empty). */
  | {
      readonly kind: "answered";
      readonly status: number;
      readonly headers: Headers;
      readonly body: string;
      readonly streamed?: unknown;
    }
  /** No complete answer within timeoutMs (headers or body). */
  | { readonly kind: "timeout" }
  | { readonly kind: "refused" }
  /** DNS failure, reset before the answer, TLS error... */
  | { readonly kind: "network"; readonly code: string }
  /** Status and headers arrived, then the body broke off. */
  | { readonly kind: "truncated"; readonly status: number };

/** Takes a 2xx body chunk by chunk as it arrives, so a large answer is never held whole. */
export interface BodySink<T> {
  write(chunk: Uint8Array): void;
  end(): T;
}

export async function exchange(
  fetchImpl: FetchLike,
  request: OutgoingRequest,
  timeoutMs: number,
  sink?: () => BodySink<unknown>,
): Promise<ExchangeResult> {
  // One signal for the whole exchange: a Bob that sends headers and then stalls the body is
  // as stuck as one that never answers.
  const signal = AbortSignal.timeout(Math.max(1, Math.round(timeoutMs)));
  let response: Response;
  try {
    response = await fetchImpl(request.url, {
      method: request.method,
      headers: request.headers,
      ...(request.body === undefined ? {} : { body: request.body }),
      signal,
      redirect: "error",
    });
  } catch (error) {
    return failureOf(error, signal);
  }
  try {
    if (sink && response.ok) {
      const reading = sink();
      if (response.body) for await (const chunk of response.body) reading.write(chunk);
      return {
        kind: "answered",
        status: response.status,
        headers: response.headers,
        body: "",
        streamed: reading.end(),
      };
    }
    const body = await response.text();
    return { kind: "answered", status: response.status, headers: response.headers, body };
  } catch (error) {
    if (signal.aborted) return { kind: "timeout" };
    return { kind: "truncated", status: response.status };
  }
}

function failureOf(error: unknown, signal: AbortSignal): ExchangeResult {
  if (signal.aborted || (error instanceof Error && (error.name === "TimeoutError" || error.name === "AbortError")))
    return { kind: "timeout" };
  const code = errorCode(error);
  if (code === "ECONNREFUSED") return { kind: "refused" };
  return { kind: "network", code: code ?? "unknown" };
}

/** undici wraps the socket error: TypeError("fetch failed") with cause.code (sometimes nested). */
function errorCode(error: unknown): string | undefined {
  let current: unknown = error;
  for (let depth = 0; depth < 4 && current && typeof current === "object"; depth++) {
    const code = (current as { code?: unknown }).code;
    if (typeof code === "string") return code;
    const errors = (current as { errors?: unknown }).errors;
    if (Array.isArray(errors) && errors.length > 0) {
      current = errors[0];
      continue;
    }
    current = (current as { cause?: unknown }).cause;
  }
  return undefined;
}

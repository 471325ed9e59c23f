import type { ServerOptions } from "node:http";

/**
 * How long a client may take to send a whole request, headers included. Bob sends a delivery
 * in one go; a sender trickling bytes (one every 10 s) would otherwise hold a connection, and
 * its buffers, for as long as it likes. Past it the connection is closed and nothing is stored.
 */
export const REQUEST_TIMEOUT_MS = 15_000;

/**
 * The HTTP server's options for that bound. Node checks it on an interval (30 s by default,
 * which would let a request run to 45 s): checked here every second, or more often when a
 * test shortens the bound.
 */
export function serverTimeouts(
  requestTimeoutMs = REQUEST_TIMEOUT_MS,
): Pick<ServerOptions, "headersTimeout" | "requestTimeout" | "connectionsCheckingInterval"> {
  return {
    headersTimeout: requestTimeoutMs,
    requestTimeout: requestTimeoutMs,
    connectionsCheckingInterval: Math.max(50, Math.min(1_000, Math.floor(requestTimeoutMs / 4))),
  };
}

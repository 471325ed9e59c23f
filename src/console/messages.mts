/** Errors in plain words, chosen by the GraphQL error's extensions.code. */
import { ApiError } from "./api.mjs";

export function explain(error: unknown): string {
  if (!(error instanceof ApiError)) return "Something went wrong in the console. Reload the page and try again.";
  switch (error.code) {
    case "BOB_INVALID_CREDENTIALS":
      return "Bob did not accept this token. Check that you copied the whole token (and the service user ID, if you use one) and that it has not been revoked in Bob.";
    case "BOB_MISSING_SCOPE":
      return `Bob accepted the token, but it is missing a permission the sync needs. ${error.message}`;
    case "BOB_UNAVAILABLE":
      return "Bob did not answer in time or is unavailable right now. Nothing was changed; try again in a few minutes.";
    case "RATE_LIMITED":
      // Says how long to wait (failed connects are throttled so Bob's firewall does not block the token).
      return error.message;
    case "BAD_USER_INPUT":
      return error.message;
    case "FEATURE_NOT_ENABLED":
      return "The Bob integration is not enabled for your company. Ask your Customer Success Manager to enable it.";
    case "FORBIDDEN":
      return "Your account may not do this. Only company administrators can manage the Bob integration.";
    case "UNAUTHENTICATED":
      return "Your session has expired or the token is not valid. Sign in again.";
    case "NOT_CONNECTED":
      return "Bob is not connected yet. Connect it on the Overview tab first.";
    case "NOT_FOUND":
      return `Not found: ${error.message}`;
    case "NETWORK":
      return `${error.message} Check your connection and try again.`;
    default:
      return `Something went wrong on our side. Try again; if it keeps happening, contact support${error.requestId ? ` with reference ${error.requestId}` : ""}.`;
  }
}

export {
  BobHttpClient,
  MAX_FIELDS_PER_SEARCH,
  type BobHttpClientOptions,
  type BobRequestEvent,
  type BobClientLogger,
  type BobEndpointName,
} from "./bob-client.js";
export { BobRateLimiter, type SharedRateWindow } from "./rate-limiter.js";
export { systemBobClock, type BobClock } from "./clock.js";

/** An error the simulator answers with Bob's error body `{"key", "error"}` and an HTTP status. */
export class SimError extends Error {
  constructor(
    readonly status: number,
    readonly key: string,
    message: string,
  ) {
    super(message);
    this.name = "SimError";
  }
}

export const badRequest = (message: string, key = "bad.request"): SimError => new SimError(400, key, message);
export const notFoundError = (message: string): SimError => new SimError(404, "not.found", message);

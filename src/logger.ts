import { pino, type Logger } from "pino";

export type { Logger };

/**
 * Structured JSON logs. Anything that could carry a secret is redacted by path as a second
 * line of defence; the first is never logging credentials at all.
 */
export function createLogger(level: string, destination?: NodeJS.WritableStream): Logger {
  const options = {
    level,
    base: { service: "bob-gateway" },
    redact: {
      paths: [
        "*.authorization",
        "*.Authorization",
        "*.token",
        "*.accessToken",
        "*.secret",
        "*.password",
        "req.headers.authorization",
        "headers.authorization",
        "*.headers.authorization",
        '*.headers["bob-signature"]',
      ],
      censor: "[redacted]",
    },
  };
  return destination ? pino(options, destination as never) : pino(options);
}

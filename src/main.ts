import "reflect-metadata";
import { startGateway } from "./app.js";
import { ConfigError, loadConfig } from "./config/config.js";
import { createLogger } from "./logger.js";
import { releaseStartupGarbage } from "./startup-garbage.js";

/** Process entry point: configuration from the environment, graceful stop on SIGTERM/SIGINT. */
let config;
try {
  config = loadConfig();
} catch (error) {
  console.error(error instanceof ConfigError ? error.message : error);
  process.exit(1);
}
const logger = createLogger(config.logLevel);
try {
  const gateway = await startGateway(config, { logger });
  releaseStartupGarbage();
  // Without its database the gateway can answer nothing: exit, so the supervisor starts it again.
  void gateway.db.pgliteThread?.lost.then((error) => {
    logger.fatal({ err: error }, "the embedded database's thread ended; exiting");
    process.exit(1);
  });
  if (!config.production) {
    logger.info(`GraphQL at ${gateway.url}/graphql. Mint a token: npm run token -- --company acme --role ADMIN`);
  }
  let signalled = false;
  const shutdown = (signal: string): void => {
    if (signalled) return;
    signalled = true;
    logger.info({ signal }, "shutdown requested");
    const deadline = setTimeout(() => {
      logger.error("shutdown took longer than 10 s; exiting");
      process.exit(1);
    }, 10_000);
    deadline.unref();
    gateway.stop().then(
      () => process.exit(0),
      (error: unknown) => {
        logger.error({ err: error }, "shutdown failed");
        process.exit(1);
      },
    );
  };
  process.on("SIGTERM", () => shutdown("SIGTERM"));
  process.on("SIGINT", () => shutdown("SIGINT"));
} catch (error) {
  if (error instanceof ConfigError) logger.fatal(error.message);
  else logger.fatal({ err: error }, "gateway failed to start");
  process.exit(1);
}

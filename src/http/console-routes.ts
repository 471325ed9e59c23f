import { existsSync } from "node:fs";
import { fileURLToPath } from "node:url";
import express, { Router } from "express";

/**
 * The admin console: static files built with the project into dist/console (npm run build),
 * served at / from this machine (no CDN). It talks to the same GraphQL API as every client.
 */
export function consoleRoutes(directory = fileURLToPath(new URL("../../console/", import.meta.url))): Router {
  const router = Router();
  // Built layout: dist/src/http/console-routes.js -> dist/console/. Under the test runner the
  // source file lives in src/http/, so look for the build next to it in dist/ as well.
  const candidates = [directory, fileURLToPath(new URL("../../dist/console/", import.meta.url))];
  const root = candidates.find((dir) => existsSync(`${dir}index.html`));
  if (root) router.use("/", express.static(root, { index: "index.html", fallthrough: true }));
  return router;
}

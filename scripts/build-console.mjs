#!/usr/bin/env node
/**
 * Second half of the admin console's build (the first is `tsc -p tsconfig.console.json`, which
 * writes dist/console/*.mjs): copies the page and its stylesheet, and graphql-ws's browser client
 * (ESM: client.js plus its common-*.js chunk) to dist/console/vendor/graphql-ws/, where the page's
 * import map points. Nothing is fetched from the network.
 */
import { copyFileSync, existsSync, mkdirSync, readdirSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const source = join(root, "src", "console");
const out = join(root, "dist", "console");
const vendorIn = join(root, "node_modules", "graphql-ws", "dist");
const vendorOut = join(out, "vendor", "graphql-ws");

if (!existsSync(join(out, "main.mjs"))) {
  console.error("build-console: dist/console/main.mjs is missing; run `tsc -p tsconfig.console.json` first");
  process.exit(1);
}
mkdirSync(vendorOut, { recursive: true });
for (const file of ["index.html", "styles.css"]) copyFileSync(join(source, file), join(out, file));
const vendored = readdirSync(vendorIn).filter((f) => f === "client.js" || /^common-.*\.js$/.test(f));
if (!vendored.includes("client.js")) {
  console.error(`build-console: ${vendorIn}/client.js not found (is graphql-ws installed?)`);
  process.exit(1);
}
for (const file of vendored) copyFileSync(join(vendorIn, file), join(vendorOut, file));

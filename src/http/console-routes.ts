import { createHash } from "node:crypto";
import { existsSync, readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import express, { Router, type RequestHandler } from "express";

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
  router.use(consoleSecurityHeaders(root ? inlineScriptHashes(readFileSync(`${root}index.html`, "utf8")) : []));
  if (root) router.use("/", express.static(root, { index: "index.html", fallthrough: true }));
  return router;
}

/**
 * CSP 'sha256-…' sources for the page's inline scripts (its import map): the browser treats an
 * inline <script type="importmap"> like any inline script, so script-src 'self' alone blocks it.
 */
export function inlineScriptHashes(html: string): string[] {
  const hashes: string[] = [];
  for (const [, attrs, body] of html.matchAll(/<script\b([^>]*)>([\s\S]*?)<\/script\s*>/gi)) {
    if (/\bsrc\s*=/i.test(attrs ?? "")) continue;
    // The browser hashes the text after the HTML parser normalized line breaks to \n.
    const text = (body ?? "").replace(/\r\n?/g, "\n");
    hashes.push(`'sha256-${createHash("sha256").update(text, "utf8").digest("base64")}'`);
  }
  return hashes;
}

// A Host header this server can name in connect-src (name or IPv4/IPv6 literal, optional port).
const HOST = /^(?:[A-Za-z0-9.-]+|\[[0-9A-Fa-f:.]+\])(?::\d{1,5})?$/;

/**
 * Every console response (page, scripts, styles, and what falls through to a 404): no framing,
 * no MIME sniffing, no referrer, and a CSP allowing only this origin's files, the page's import
 * map by hash, and the GraphQL WebSocket on the same host.
 */
export function consoleSecurityHeaders(scriptHashes: readonly string[]): RequestHandler {
  const scriptSrc = ["'self'", ...scriptHashes].join(" ");
  return (req, res, next) => {
    const host = req.headers.host;
    const sameHostSockets = host && HOST.test(host) ? ` ws://${host} wss://${host}` : "";
    res.setHeader(
      "Content-Security-Policy",
      `default-src 'self'; script-src ${scriptSrc}; style-src 'self'; img-src 'self' data:; connect-src 'self'${sameHostSockets}; ` +
        "object-src 'none'; frame-ancestors 'none'; base-uri 'none'; form-action 'self'",
    );
    res.setHeader("X-Frame-Options", "DENY");
    res.setHeader("X-Content-Type-Options", "nosniff");
    res.setHeader("Referrer-Policy", "no-referrer");
    next();
  };
}

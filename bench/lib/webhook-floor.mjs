// The webhook floor: a bare node:http server that only checks a delivery's Bob-Signature and
// answers 202 (401 when it is wrong): what answering a signed delivery costs with no storage.
import { createHmac, timingSafeEqual } from "node:crypto";
import { createServer } from "node:http";
import { onCleanup } from "./common.mjs";

/** `secretOf(url)`: the hook secret a delivery to that path must be signed with (undefined: refused). */
export async function startWebhookFloor(secretOf) {
  const server = createServer((req, res) => {
    const chunks = [];
    req.on("data", (c) => chunks.push(c));
    req.on("end", () => {
      const secret = secretOf(String(req.url));
      const body = Buffer.concat(chunks);
      const expected = secret ? Buffer.from(createHmac("sha512", secret).update(body).digest("base64")) : null;
      const given = Buffer.from(String(req.headers["bob-signature"] ?? ""));
      const ok = expected !== null && given.length === expected.length && timingSafeEqual(given, expected);
      res.writeHead(ok ? 202 : 401, { "content-type": "application/json" });
      res.end(ok ? '{"status":"accepted"}' : '{"status":"refused"}');
    });
  });
  await new Promise((resolve) => server.listen(0, "127.0.0.1", resolve));
  const close = onCleanup(
    () =>
      new Promise((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  );
  return { origin: `http://127.0.0.1:${server.address().port}`, close };
}

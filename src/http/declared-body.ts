import type { IncomingMessage } from "node:http";

export type DeclaredBody =
  { readonly ok: true; readonly body: Buffer } | { readonly ok: false; readonly why: "unreadable" | "gone" };

/**
 * Reads a body of exactly `length` bytes (its Content-Length), chunk by chunk as they come:
 * nothing is allocated up front on the strength of a header alone. "gone" when the client went
 * away or the server cut it off (its request timeout) before the last byte: nothing to answer.
 */
export function readDeclaredBody(req: IncomingMessage, length: number): Promise<DeclaredBody> {
  return new Promise((resolve) => {
    if (req.destroyed) {
      resolve({ ok: false, why: "gone" });
      return;
    }
    const chunks: Buffer[] = [];
    let received = 0;
    let settled = false;
    const settle = (outcome: DeclaredBody): void => {
      if (settled) return;
      settled = true;
      resolve(outcome);
    };
    req.on("data", (chunk: Buffer) => {
      if (settled) return;
      if (received + chunk.length > length) {
        settle({ ok: false, why: "unreadable" }); // more bytes than announced: the parser would refuse it too
        return;
      }
      chunks.push(chunk);
      received += chunk.length;
    });
    req.on("error", () => settle({ ok: false, why: "gone" }));
    req.on("close", () => settle({ ok: false, why: "gone" }));
    req.on("end", () => {
      if (received !== length) settle({ ok: false, why: "unreadable" });
      else settle({ ok: true, body: chunks.length === 1 ? (chunks[0] as Buffer) : Buffer.concat(chunks, received) });
    });
  });
}

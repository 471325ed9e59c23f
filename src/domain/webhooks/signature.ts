import { createHmac, timingSafeEqual } from "node:crypto";

/** Bob-Signature = base64(HMAC-SHA512(secret, raw body)). Compared in constant time. */
export function bobSignatureOf(secret: string, rawBody: Buffer): string {
  return createHmac("sha512", Buffer.from(secret, "utf8")).update(rawBody).digest("base64");
}

export function signatureMatches(secret: string, rawBody: Buffer, given: string | undefined): boolean {
  if (!given) return false;
  const expected = Buffer.from(bobSignatureOf(secret, rawBody), "utf8");
  const actual = Buffer.from(given.trim(), "utf8");
  return actual.length === expected.length && timingSafeEqual(actual, expected);
}

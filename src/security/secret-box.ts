import { createCipheriv, createDecipheriv, createHash, randomBytes } from "node:crypto";

/**
 * Encryption at rest for Bob tokens and hook secrets: AES-256-GCM with a random 96-bit IV per
 * value. Each sealed value names the key that sealed it (a short fingerprint, never the key), so
 * ENCRYPTION_KEY can rotate: the new key seals, older keys listed as previous still open.
 */
export interface SealedSecret {
  readonly keyId: string;
  /** "v1.<iv>.<tag>.<ciphertext>", base64url parts. */
  readonly ciphertext: string;
}

/** GCM's full 128-bit tag, always: a shorter tag would let a forger guess it far more cheaply. */
export const AUTH_TAG_BYTES = 16;

export function keyIdOf(key: Buffer): string {
  return createHash("sha256").update(key).digest("hex").slice(0, 12);
}

export class SecretBox {
  private readonly keys = new Map<string, Buffer>();
  private readonly currentId: string;

  constructor(current: Buffer, previous: readonly Buffer[] = []) {
    for (const key of [current, ...previous]) {
      if (key.length !== 32) throw new Error("encryption keys must be 32 bytes");
      this.keys.set(keyIdOf(key), key);
    }
    this.currentId = keyIdOf(current);
  }

  get currentKeyId(): string {
    return this.currentId;
  }

  /** Whether a value sealed under `keyId` should be re-sealed (key rotation). */
  isStale(keyId: string): boolean {
    return keyId !== this.currentId;
  }

  /** Opens a value sealed under any configured key and seals it again under the current one. */
  reseal(sealed: SealedSecret, context: string): SealedSecret {
    return this.seal(this.open(sealed, context), context);
  }

  seal(plaintext: string, context: string): SealedSecret {
    const key = this.keys.get(this.currentId) as Buffer;
    const iv = randomBytes(12);
    const cipher = createCipheriv("aes-256-gcm", key, iv, { authTagLength: AUTH_TAG_BYTES });
    // The context (e.g. "bob-credential:acme") is authenticated: a value copied to another
    // company's row does not decrypt there.
    cipher.setAAD(Buffer.from(context, "utf8"));
    const body = Buffer.concat([cipher.update(plaintext, "utf8"), cipher.final()]);
    const parts = [iv, cipher.getAuthTag(), body].map((b) => b.toString("base64url"));
    return { keyId: this.currentId, ciphertext: `v1.${parts.join(".")}` };
  }

  open(sealed: SealedSecret, context: string): string {
    const key = this.keys.get(sealed.keyId);
    if (!key)
      throw new Error(
        `no encryption key with id ${sealed.keyId} is configured (was ENCRYPTION_KEY rotated without keeping the previous key?)`,
      );
    const [version, iv, tag, body] = sealed.ciphertext.split(".");
    if (version !== "v1" || !iv || !tag || body === undefined) throw new Error("sealed secret is malformed");
    const authTag = Buffer.from(tag, "base64url");
    // Node would otherwise accept a truncated tag (down to 4 bytes) and check only that much.
    if (authTag.length !== AUTH_TAG_BYTES)
      throw new Error(
        `sealed secret has a ${authTag.length}-byte authentication tag; only ${AUTH_TAG_BYTES} bytes are accepted`,
      );
    const decipher = createDecipheriv("aes-256-gcm", key, Buffer.from(iv, "base64url"), {
      authTagLength: AUTH_TAG_BYTES,
    });
    decipher.setAAD(Buffer.from(context, "utf8"));
    decipher.setAuthTag(authTag);
    return Buffer.concat([decipher.update(Buffer.from(body, "base64url")), decipher.final()]).toString("utf8");
  }
}

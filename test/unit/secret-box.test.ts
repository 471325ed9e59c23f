import { randomBytes } from "node:crypto";
import { describe, expect, it } from "vitest";
import { SecretBox } from "../../src/security/secret-box.js";

describe("SecretBox (AES-256-GCM at rest)", () => {
  const key = randomBytes(32);

  it("round-trips and never contains the plaintext", () => {
    const box = new SecretBox(key);
    const sealed = box.seal("bob-token-ABCD1234", "ctx:acme");
    expect(sealed.ciphertext).not.toContain("bob-token");
    expect(sealed.keyId).toBe(box.currentKeyId);
    expect(box.open(sealed, "ctx:acme")).toBe("bob-token-ABCD1234");
  });

  it("uses a fresh IV each time", () => {
    const box = new SecretBox(key);
    expect(box.seal("same", "c").ciphertext).not.toBe(box.seal("same", "c").ciphertext);
  });

  it("refuses a value moved to another context (company)", () => {
    const box = new SecretBox(key);
    expect(() => box.open(box.seal("secret", "ctx:acme"), "ctx:other")).toThrow();
  });

  it("refuses a tampered ciphertext", () => {
    const box = new SecretBox(key);
    const sealed = box.seal("secret", "c");
    const parts = sealed.ciphertext.split(".");
    parts[3] = Buffer.from("tampered!").toString("base64url");
    expect(() => box.open({ ...sealed, ciphertext: parts.join(".") }, "c")).toThrow();
  });

  it("opens values sealed with a previous key after rotation, and seals with the new one", () => {
    const oldBox = new SecretBox(key);
    const sealed = oldBox.seal("before rotation", "c");
    const newKey = randomBytes(32);
    const rotated = new SecretBox(newKey, [key]);
    expect(rotated.open(sealed, "c")).toBe("before rotation");
    expect(rotated.seal("after", "c").keyId).not.toBe(sealed.keyId);
    expect(() => new SecretBox(newKey).open(sealed, "c")).toThrow(/rotated/);
  });
});

describe("SecretBox authentication tag", () => {
  it("seals with a 16-byte tag and refuses any other length", () => {
    const box = new SecretBox(randomBytes(32));
    const sealed = box.seal("secret", "c");
    const parts = sealed.ciphertext.split(".");
    expect(Buffer.from(parts[2] as string, "base64url")).toHaveLength(16);
    for (const bytes of [4, 12, 15]) {
      const short = [...parts];
      short[2] = Buffer.from(parts[2] as string, "base64url")
        .subarray(0, bytes)
        .toString("base64url");
      expect(() => box.open({ keyId: sealed.keyId, ciphertext: short.join(".") }, "c")).toThrow(
        /only 16 bytes are accepted/,
      );
    }
  });

  it("reseals a value of a previous key under the current one", () => {
    const oldKey = randomBytes(32);
    const sealedOld = new SecretBox(oldKey).seal("secret", "c");
    const box = new SecretBox(randomBytes(32), [oldKey]);
    expect(box.isStale(sealedOld.keyId)).toBe(true);
    const resealed = box.reseal(sealedOld, "c");
    expect(resealed.keyId).toBe(box.currentKeyId);
    expect(box.isStale(resealed.keyId)).toBe(false);
    expect(box.open(resealed, "c")).toBe("secret");
  });
});

import { randomBytes } from "node:crypto";
import { mkdir, readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { ConfigError, type GatewayConfig } from "./config.js";

export interface GatewaySecrets {
  readonly jwtSecret: string;
  /** 32 raw bytes for AES-256-GCM. */
  readonly encryptionKey: Buffer;
  /** Older keys, only to open values sealed before a rotation. */
  readonly previousEncryptionKeys: readonly Buffer[];
}

const SECRETS_FILE = "dev-secrets.json";

export function decodeEncryptionKey(base64: string): Buffer {
  const key = Buffer.from(base64, "base64");
  if (key.length !== 32) {
    throw new ConfigError(`ENCRYPTION_KEY must be 32 bytes encoded as base64 (got ${key.length} bytes).`);
  }
  return key;
}

/**
 * Production takes both secrets from the environment (loadConfig already refused to start
 * without them). Development generates any missing one once and keeps it in the data
 * directory, so tokens minted yesterday still verify today and stored Bob tokens still decrypt.
 */
export async function resolveSecrets(config: GatewayConfig): Promise<{ secrets: GatewaySecrets; generated: boolean }> {
  if (config.jwtSecret && config.encryptionKey) {
    return {
      secrets: {
        jwtSecret: config.jwtSecret,
        encryptionKey: decodeEncryptionKey(config.encryptionKey),
        previousEncryptionKeys: previousKeys(config),
      },
      generated: false,
    };
  }
  if (config.production) throw new ConfigError("JWT_SECRET and ENCRYPTION_KEY are required in production.");
  const path = join(config.dataDir, SECRETS_FILE);
  let stored: { jwtSecret?: string; encryptionKey?: string } = {};
  try {
    stored = JSON.parse(await readFile(path, "utf8")) as typeof stored;
  } catch {
    // First start in this data directory: nothing stored yet.
  }
  // Only what the environment does not give is generated and kept; env values are never written.
  const kept = {
    jwtSecret: stored.jwtSecret ?? randomBytes(32).toString("base64url"),
    encryptionKey: stored.encryptionKey ?? randomBytes(32).toString("base64"),
  };
  const generated = kept.jwtSecret !== stored.jwtSecret || kept.encryptionKey !== stored.encryptionKey;
  if (generated) {
    await mkdir(config.dataDir, { recursive: true });
    await writeFile(path, JSON.stringify(kept, null, 2), { mode: 0o600 });
  }
  const jwtSecret = config.jwtSecret ?? kept.jwtSecret;
  const encryptionKey = config.encryptionKey ?? kept.encryptionKey;
  return {
    secrets: {
      jwtSecret,
      encryptionKey: decodeEncryptionKey(encryptionKey),
      previousEncryptionKeys: previousKeys(config),
    },
    generated,
  };
}

function previousKeys(config: GatewayConfig): Buffer[] {
  return (config.previousEncryptionKeys ?? []).map(decodeEncryptionKey);
}

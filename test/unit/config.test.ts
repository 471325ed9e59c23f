import { describe, expect, it } from "vitest";
import { ConfigError, loadConfig, parseDatabaseUrl } from "../../src/config/config.js";

describe("configuration", () => {
  it("defaults to embedded PGlite in ./.data/pglite on port 4000", () => {
    const config = loadConfig({});
    expect(config.port).toBe(4000);
    expect(config.database).toEqual({ kind: "pglite", dataDir: ".data/pglite" });
    expect(config.publicUrl).toBe("http://localhost:4000");
    expect(config.bobApiUrl).toBe("https://api.hibob.com/v1");
  });

  it("reads the database URL forms", () => {
    expect(parseDatabaseUrl("postgres://u@h:5432/db", ".data")).toEqual({ kind: "postgres", url: "postgres://u@h:5432/db" });
    expect(parseDatabaseUrl("pglite://memory", ".data")).toEqual({ kind: "pglite", dataDir: null });
    expect(parseDatabaseUrl("pglite://./somewhere", ".data")).toEqual({ kind: "pglite", dataDir: "./somewhere" });
    expect(() => parseDatabaseUrl("mysql://x", ".data")).toThrow(ConfigError);
  });

  it("stops production start-up without JWT_SECRET or ENCRYPTION_KEY, naming them", () => {
    expect(() => loadConfig({ NODE_ENV: "production" })).toThrow(/JWT_SECRET and ENCRYPTION_KEY must be set/);
    expect(() => loadConfig({ NODE_ENV: "production", JWT_SECRET: "x" })).toThrow(/ENCRYPTION_KEY must be set/);
    expect(loadConfig({ NODE_ENV: "production", JWT_SECRET: "x", ENCRYPTION_KEY: "y" }).production).toBe(true);
  });

  it("rejects an invalid port with a clear message", () => {
    expect(() => loadConfig({ PORT: "seventy" })).toThrow(/PORT/);
  });
});

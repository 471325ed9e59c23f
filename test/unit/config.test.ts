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
    expect(parseDatabaseUrl("postgres://u@h:5432/db", ".data")).toEqual({
      kind: "postgres",
      url: "postgres://u@h:5432/db",
    });
    expect(parseDatabaseUrl("pglite://memory", ".data")).toEqual({ kind: "pglite", dataDir: null });
    expect(parseDatabaseUrl("pglite://./somewhere", ".data")).toEqual({ kind: "pglite", dataDir: "./somewhere" });
    expect(() => parseDatabaseUrl("mysql://x", ".data")).toThrow(ConfigError);
  });

  it("stops production start-up without JWT_SECRET or ENCRYPTION_KEY, naming them", () => {
    expect(() => loadConfig({ NODE_ENV: "production" })).toThrow(/JWT_SECRET and ENCRYPTION_KEY must be set/);
    expect(() => loadConfig({ NODE_ENV: "production", JWT_SECRET: "x" })).toThrow(/ENCRYPTION_KEY must be set/);
    expect(loadConfig({ NODE_ENV: "production", JWT_SECRET: "x".repeat(32), ENCRYPTION_KEY: "y" }).production).toBe(
      true,
    );
  });

  it("stops production start-up with a JWT_SECRET under 32 bytes, naming it and how to generate one", () => {
    for (const secret of ["a", "x".repeat(31), "é".repeat(15) /* 30 bytes */]) {
      expect(() => loadConfig({ NODE_ENV: "production", JWT_SECRET: secret, ENCRYPTION_KEY: "y" })).toThrow(
        ConfigError,
      );
      expect(() => loadConfig({ NODE_ENV: "production", JWT_SECRET: secret, ENCRYPTION_KEY: "y" })).toThrow(
        /JWT_SECRET must be at least 32 bytes.*openssl rand -base64 32/,
      );
    }
    // Counted in bytes: 16 two-byte characters are enough.
    expect(loadConfig({ NODE_ENV: "production", JWT_SECRET: "é".repeat(16), ENCRYPTION_KEY: "y" }).jwtSecret).toBe(
      "é".repeat(16),
    );
    // Development keeps accepting a short secret.
    expect(loadConfig({ JWT_SECRET: "a" }).jwtSecret).toBe("a");
  });

  it("reads JWT_MAX_AGE in seconds, 24 hours by default", () => {
    expect(loadConfig({}).jwtMaxAgeSeconds).toBe(86_400);
    expect(loadConfig({ JWT_MAX_AGE: "3600" }).jwtMaxAgeSeconds).toBe(3600);
    expect(loadConfig({ JWT_MAX_AGE: " 600 " }).jwtMaxAgeSeconds).toBe(600);
  });

  it.each(["0", "-5", "1.5", "24h", "", "1e5", "abc", "99999999999"])(
    "rejects JWT_MAX_AGE=%j with a clear message",
    (value) => {
      expect(() => loadConfig({ JWT_MAX_AGE: value })).toThrow(ConfigError);
      expect(() => loadConfig({ JWT_MAX_AGE: value })).toThrow(
        /JWT_MAX_AGE: must be a positive whole number of seconds/,
      );
    },
  );

  it("reads RETENTION_DAYS in days, 90 by default", () => {
    expect(loadConfig({}).retentionDays).toBe(90);
    expect(loadConfig({ RETENTION_DAYS: "30" }).retentionDays).toBe(30);
    expect(loadConfig({ RETENTION_DAYS: " 365 " }).retentionDays).toBe(365);
  });

  it.each(["0", "-1", "1.5", "90d", "", "abc", "100000"])("rejects RETENTION_DAYS=%j with a clear message", (value) => {
    expect(() => loadConfig({ RETENTION_DAYS: value })).toThrow(ConfigError);
    expect(() => loadConfig({ RETENTION_DAYS: value })).toThrow(
      /RETENTION_DAYS: must be a positive whole number of days/,
    );
  });

  it("reads QUERY_THREAD, on by default", () => {
    expect(loadConfig({}).queryThread).toBe(true);
    expect(loadConfig({ QUERY_THREAD: "off" }).queryThread).toBe(false);
    expect(loadConfig({ QUERY_THREAD: "on" }).queryThread).toBe(true);
    expect(() => loadConfig({ QUERY_THREAD: "yes" })).toThrow(/QUERY_THREAD: must be "on" or "off"/);
  });

  it("reads PGLITE_THREAD, on by default; PostgreSQL ignores it", () => {
    expect(loadConfig({}).database).toEqual({ kind: "pglite", dataDir: ".data/pglite" });
    expect(loadConfig({ PGLITE_THREAD: "off" }).database).toEqual({
      kind: "pglite",
      dataDir: ".data/pglite",
      inProcess: true,
    });
    expect(loadConfig({ PGLITE_THREAD: "off", DATABASE_URL: "pglite://memory" }).database).toEqual({
      kind: "pglite",
      dataDir: null,
      inProcess: true,
    });
    expect(loadConfig({ PGLITE_THREAD: "off", DATABASE_URL: "postgres://u@h/db" }).database).toEqual({
      kind: "postgres",
      url: "postgres://u@h/db",
    });
    expect(() => loadConfig({ PGLITE_THREAD: "no" })).toThrow(/PGLITE_THREAD: must be "on" or "off"/);
  });

  it("rejects an invalid port with a clear message", () => {
    expect(() => loadConfig({ PORT: "seventy" })).toThrow(/PORT/);
  });
});

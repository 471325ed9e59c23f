import { createHash } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { BobHttpClient } from "../../src/bob/bob-client.js";
import { startBobSimulator, type BobSimulator } from "../../simulator/index.js";
import type { Attribute } from "../../src/domain/attributes/attribute.js";
import { STANDARD_ATTRIBUTES } from "../../src/domain/attributes/standard-attributes.js";
import { FullSyncRunner, type FullSyncRunnerDeps } from "../../src/domain/sync/full-sync-runner.js";
import { MAPPING_VERSION } from "../../src/domain/mapping/source-fingerprint.js";

/**
 * Stored source fingerprints name MAPPING_VERSION: a resync reuses a stored record for the same
 * Bob bytes only while the mapper would still make that very record of them. This pins what the
 * mapper makes of a fixed generated company; when it fails, the mapping changed, so bump
 * MAPPING_VERSION (src/domain/mapping/source-fingerprint.ts) and pin the new digest here beside it.
 */
const PINNED: Record<number, string> = {
  1: "vv-E1o8mr9VOIHjLybc_7WQ6-VWKl9D42d3I83BVRMo",
};

let sim: BobSimulator;
beforeAll(async () => {
  sim = await startBobSimulator({ port: 0, seed: 11, employees: 80, today: "2026-06-15" });
});
afterAll(async () => sim?.close());

describe("MAPPING_VERSION", () => {
  it("names what the mapper makes of a fixed company: a changed mapping needs a new version", async () => {
    const attributes: Attribute[] = STANDARD_ATTRIBUTES.map((s) => ({
      id: `std-${s.key}`,
      name: s.name,
      type: s.type,
      standard: true,
      standardKey: s.key,
    }));
    const bob = new BobHttpClient({ baseUrl: sim.baseUrl });
    const runner = new FullSyncRunner({
      bob,
      attributes: { list: async () => attributes, createCustom: async () => null },
    } as unknown as FullSyncRunnerDeps);
    const fetched = await runner.fetch("co", { kind: "ACCESS_TOKEN", token: sim.credentials.accessToken });
    const digest = createHash("sha256")
      .update(JSON.stringify({ records: fetched.records, issues: fetched.issues }))
      .digest("base64url");
    expect(fetched.records.length).toBeGreaterThan(70);
    expect(
      { version: MAPPING_VERSION, digest },
      "the mapper's output changed: bump MAPPING_VERSION and pin the new digest",
    ).toEqual({ version: MAPPING_VERSION, digest: PINNED[MAPPING_VERSION] });
  });
});

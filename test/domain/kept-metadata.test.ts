import { describe, expect, it } from "vitest";
import type { BobCredential } from "../../src/domain/ports/bob-api.js";
import { KeptMetadata, type MetadataReads } from "../../src/domain/sync/kept-metadata.js";

const token = (t: string): BobCredential => ({ kind: "ACCESS_TOKEN", token: t });
const reads = (): MetadataReads => ({ fields: Promise.resolve([]), lists: Promise.resolve([]) });

describe("KeptMetadata (a fake clock)", () => {
  it("answers for the TTL from the read, for the same credential only", () => {
    let now = 0;
    const kept = new KeptMetadata({ ttlMs: 1_000, now: () => now });
    const r = reads();
    kept.keep("acme", token("a"), r);
    now = 999;
    expect(kept.get("acme", token("a"))?.fields).toBe(r.fields);
    expect(kept.get("acme", token("b"))).toBeUndefined();
    expect(kept.get("acme", { kind: "SERVICE_USER", serviceUserId: "x", token: "a" })).toBeUndefined();
    now = 1_000;
    expect(kept.get("acme", token("a"))).toBeUndefined();
  });

  it("keeps at most maxCompanies, the oldest read going first; a new read of a company renews it", () => {
    let now = 0;
    const kept = new KeptMetadata({ maxCompanies: 2, now: () => now });
    kept.keep("a", token("t"), reads());
    kept.keep("b", token("t"), reads());
    now = 10;
    kept.keep("a", token("t"), reads()); // renewed: b is now the oldest
    kept.keep("c", token("t"), reads());
    expect(["a", "b", "c"].map((c) => kept.get(c, token("t")) !== undefined)).toEqual([true, false, true]);
  });

  it("forgets a read that fails, and on request", async () => {
    const kept = new KeptMetadata();
    const failing: MetadataReads = { fields: Promise.reject(new Error("Bob down")), lists: Promise.resolve([]) };
    kept.keep("acme", token("t"), failing);
    await failing.fields.catch(() => undefined);
    await Promise.resolve();
    expect(kept.get("acme", token("t"))).toBeUndefined();
    kept.keep("other", token("t"), reads());
    kept.forget("other");
    expect(kept.get("other", token("t"))).toBeUndefined();
  });
});

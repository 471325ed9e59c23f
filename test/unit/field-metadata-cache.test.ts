import { describe, expect, it } from "vitest";
import { BobFieldMetadataCache } from "../../src/bob/field-metadata-cache.js";
import type { BobApi, BobCredential, BobFieldDefinition } from "../../src/domain/ports/bob-api.js";
import { deferred, type Deferred } from "../support/deferred.js";

const field = (id: string): BobFieldDefinition => ({ id, name: id, type: "text", categoryId: "work", jsonPath: id });
const ALICE: BobCredential = { kind: "SERVICE_USER", serviceUserId: "svc-1", token: "token-a" };
const BOB: BobCredential = { kind: "SERVICE_USER", serviceUserId: "svc-2", token: "token-b" };

/** A Bob whose fetchFields answers only when the test says so, counting the calls. */
function fakeBob(): BobApi & {
  calls: BobCredential[];
  pending: Deferred<readonly BobFieldDefinition[]>[];
  verified: BobCredential[];
} {
  const calls: BobCredential[] = [];
  const pending: Deferred<readonly BobFieldDefinition[]>[] = [];
  const verified: BobCredential[] = [];
  return {
    calls,
    pending,
    verified,
    async verifyAccess(credential) {
      verified.push(credential);
    },
    fetchFields(credential) {
      calls.push(credential);
      const d = deferred<readonly BobFieldDefinition[]>();
      pending.push(d);
      return d.promise;
    },
    fetchNamedLists: async () => [],
    searchPeople: async () => ({ people: [], problems: [] }),
    searchPeopleMapped: async () => ({ people: [], problems: [] }),
  };
}

describe("BobFieldMetadataCache", () => {
  it("lets concurrent readers of one credential share one call to Bob (single flight)", async () => {
    const bob = fakeBob();
    const cached = new BobFieldMetadataCache({ now: () => 0 }).wrap(bob);
    const reads = [cached.fetchFields(ALICE), cached.fetchFields(ALICE), cached.fetchFields({ ...ALICE })];
    expect(bob.calls).toHaveLength(1);
    bob.pending[0]?.resolve([field("a")]);
    for (const r of await Promise.all(reads)) expect(r).toEqual([field("a")]);
  });

  it("serves a copy until it is ttl old, then asks Bob again", async () => {
    let now = 1_000;
    const bob = fakeBob();
    const cached = new BobFieldMetadataCache({ ttlMs: 60_000, now: () => now }).wrap(bob);
    const first = cached.fetchFields(ALICE);
    bob.pending[0]?.resolve([field("a")]);
    await first;
    now += 59_999;
    expect(await cached.fetchFields(ALICE)).toEqual([field("a")]);
    expect(bob.calls).toHaveLength(1);
    now += 1;
    const again = cached.fetchFields(ALICE);
    expect(bob.calls).toHaveLength(2);
    bob.pending[1]?.resolve([field("b")]);
    expect(await again).toEqual([field("b")]);
  });

  it("keeps one copy per credential", async () => {
    const bob = fakeBob();
    const cached = new BobFieldMetadataCache({ now: () => 0 }).wrap(bob);
    const a = cached.fetchFields(ALICE);
    const b = cached.fetchFields(BOB);
    const sameIdOtherToken = cached.fetchFields({ ...ALICE, token: "token-rotated" });
    const legacy = cached.fetchFields({ kind: "ACCESS_TOKEN", token: "token-a" });
    expect(bob.calls).toHaveLength(4);
    bob.pending.forEach((d, i) => d.resolve([field(`f${i}`)]));
    expect(await a).toEqual([field("f0")]);
    expect(await b).toEqual([field("f1")]);
    expect(await sameIdOtherToken).toEqual([field("f2")]);
    expect(await legacy).toEqual([field("f3")]);
  });

  it("never keeps a failure: the next reader asks Bob again", async () => {
    const bob = fakeBob();
    const cached = new BobFieldMetadataCache({ now: () => 0 }).wrap(bob);
    const failing = [cached.fetchFields(ALICE), cached.fetchFields(ALICE)];
    bob.pending[0]?.reject(new Error("Bob is down"));
    for (const r of failing) await expect(r).rejects.toThrow("Bob is down");
    const retry = cached.fetchFields(ALICE);
    expect(bob.calls).toHaveLength(2);
    bob.pending[1]?.resolve([field("a")]);
    expect(await retry).toEqual([field("a")]);
  });

  it("drops the credential's copy when it is connected again (verifyAccess through a wrapped client)", async () => {
    const bob = fakeBob();
    const cache = new BobFieldMetadataCache({ now: () => 0 });
    const reader = cache.wrap(bob);
    const connector = cache.wrap(bob);
    const first = reader.fetchFields(ALICE);
    bob.pending[0]?.resolve([field("old")]);
    await first;
    await connector.verifyAccess(ALICE);
    expect(bob.verified).toEqual([ALICE]);
    const fresh = reader.fetchFields(ALICE);
    expect(bob.calls).toHaveLength(2);
    bob.pending[1]?.resolve([field("new")]);
    expect(await fresh).toEqual([field("new")]);
  });

  it("lets the full sync's fresh read refresh the readers' copy, never replacing a newer one", async () => {
    let now = 0;
    const bob = fakeBob();
    const cache = new BobFieldMetadataCache({ ttlMs: 60_000, now: () => now });
    const reader = cache.wrap(bob);
    const sync = cache.refreshing(bob);
    const read = reader.fetchFields(ALICE);
    bob.pending[0]?.resolve([field("v1")]);
    await read;
    now = 10;
    const syncRead = sync.fetchFields(ALICE); // always asks Bob
    expect(bob.calls).toHaveLength(2);
    bob.pending[1]?.resolve([field("v2")]);
    expect(await syncRead).toEqual([field("v2")]);
    expect(await reader.fetchFields(ALICE)).toEqual([field("v2")]);
    expect(bob.calls).toHaveLength(2);

    // A slow sync read that started before a reader's newer fetch must not overwrite it.
    now = 100_000;
    const slowSync = sync.fetchFields(ALICE);
    now = 100_001;
    const newer = reader.fetchFields(ALICE);
    bob.pending[3]?.resolve([field("newer")]);
    await newer;
    bob.pending[2]?.resolve([field("older")]);
    await slowSync;
    expect(await reader.fetchFields(ALICE)).toEqual([field("newer")]);
  });

  it("with ttl 0 (the default) answers live: a reader arriving during an older read waits for a new one, shared", async () => {
    let now = 0;
    const bob = fakeBob();
    const cached = new BobFieldMetadataCache({ now: () => now }).wrap(bob);
    const first = cached.fetchFields(ALICE);
    const sameInstant = cached.fetchFields(ALICE);
    expect(bob.calls).toHaveLength(1);
    now = 5; // the read in flight started before these two arrived: they must not get its answer
    const later = [cached.fetchFields(ALICE), cached.fetchFields(ALICE)];
    bob.pending[0]?.resolve([field("old")]);
    expect(await first).toEqual([field("old")]);
    expect(await sameInstant).toEqual([field("old")]);
    await new Promise((resolve) => setImmediate(resolve));
    expect(bob.calls).toHaveLength(2);
    bob.pending[1]?.resolve([field("new")]);
    for (const r of await Promise.all(later)) expect(r).toEqual([field("new")]);
    now = 6; // settled copies are never served later
    const after = cached.fetchFields(ALICE);
    expect(bob.calls).toHaveLength(3);
    bob.pending[2]?.resolve([field("newest")]);
    expect(await after).toEqual([field("newest")]);
  });
});

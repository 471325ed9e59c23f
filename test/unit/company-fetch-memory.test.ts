import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { BobHttpClient } from "../../src/bob/index.js";
import { STANDARD_ATTRIBUTES } from "../../src/domain/attributes/standard-attributes.js";
import type { Attribute } from "../../src/domain/attributes/attribute.js";
import type { AttributeStore } from "../../src/domain/ports/attribute-store.js";
import { CompanyFetch } from "../../src/domain/sync/company-fetch.js";
import { startBobSimulator, type BobSimulator } from "../../simulator/index.js";

/** The field lists CompanyFetch remembers to search early are bounded: the oldest company is forgotten first. */
describe("CompanyFetch's remembered field lists", () => {
  let sim: BobSimulator;
  beforeAll(async () => {
    sim = await startBobSimulator({ port: 0, seed: 3, employees: 5, today: "2026-06-15" });
  });
  afterAll(async () => sim?.close());

  it("keeps the most recently fetched companies only, and still fetches a forgotten one in full", async () => {
    const attributes: Attribute[] = STANDARD_ATTRIBUTES.map(
      (a, i) => ({ id: `attr-${i}`, name: a.name, type: a.type, standard: true }) as unknown as Attribute,
    );
    const store: AttributeStore = { list: async () => attributes, createCustom: async () => null };
    const fetcher = new CompanyFetch({
      bob: new BobHttpClient({ baseUrl: sim.baseUrl }),
      attributes: store,
      rememberedFieldLists: 2,
    });
    const credential = { kind: "ACCESS_TOKEN" as const, token: sim.credentials.accessToken };
    for (const company of ["a", "b", "c"]) await fetcher.fetch(company, credential);
    expect(["a", "b", "c"].map((c) => fetcher.canGuessFields(c))).toEqual([false, true, true]);
    // Fetching b again makes it the most recent: d then pushes out c.
    await fetcher.fetch("b", credential);
    const again = await fetcher.fetch("d", credential);
    expect(["b", "c", "d"].map((c) => fetcher.canGuessFields(c))).toEqual([true, false, true]);
    expect(again.records.length).toBeGreaterThan(0);
    const forgotten = await fetcher.fetch("a", credential);
    expect(forgotten.records.map((r) => r.bobId).sort()).toEqual(again.records.map((r) => r.bobId).sort());
  });
});

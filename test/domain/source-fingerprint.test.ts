import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { BobHttpClient } from "../../src/bob/bob-client.js";
import { startBobSimulator, type BobSimulator } from "../../simulator/index.js";
import type { Attribute } from "../../src/domain/attributes/attribute.js";
import { STANDARD_ATTRIBUTES } from "../../src/domain/attributes/standard-attributes.js";
import type { BobCredential } from "../../src/domain/ports/bob-api.js";
import { FullSyncRunner, type FullSyncRunnerDeps } from "../../src/domain/sync/full-sync-runner.js";
import type { EmployeeRecord } from "../../src/domain/mapping/employee-record.js";
import { planSync } from "../../src/domain/mapping/plan.js";
import { fingerprintOf } from "../../src/domain/mapping/source-fingerprint.js";

/**
 * FullSyncRunner.fetch against our Bob simulator: what recognising people by their source
 * fingerprint gives must be exactly what mapping them gives, and a recognised person must be the
 * stored record itself (it was neither parsed nor mapped).
 */
let sim: BobSimulator;
let credential: BobCredential;
const attributes: Attribute[] = STANDARD_ATTRIBUTES.map((s) => ({
  id: `std-${s.key}`,
  name: s.name,
  type: s.type,
  standard: true,
  standardKey: s.key,
}));

beforeAll(async () => {
  // Each property run makes three people searches: more than Bob's 50 a minute over the whole test.
  sim = await startBobSimulator({ port: 0, seed: 7, employees: 120, peopleSearchPerMinute: 1_000 });
  credential = { kind: "ACCESS_TOKEN", token: sim.credentials.accessToken };
});
afterAll(async () => sim?.close());

function runner(): FullSyncRunner {
  const bob = new BobHttpClient({ baseUrl: sim.baseUrl, baseDelayMs: 10, maxDelayMs: 50 });
  // fetch() reads Bob and the company's attributes, nothing else.
  return new FullSyncRunner({
    bob,
    attributes: { list: async () => attributes, createCustom: async () => null },
  } as unknown as FullSyncRunnerDeps);
}

const byBobId = (records: readonly EmployeeRecord[]) => new Map(records.map((r) => [r.bobId, r]));

/** The directory an initial sync of what Bob has now leaves: the planner's creates, as written. */
async function initialDirectory(): Promise<Map<string, EmployeeRecord>> {
  const fetched = await runner().fetch("co", credential);
  return byBobId(
    planSync({
      fetched: fetched.records,
      directory: new Map(),
      fetchComplete: true,
      issues: fetched.issues,
      attributes,
    }).creates,
  );
}

describe("recognising people by their source fingerprint", () => {
  it("gives every person mapped without an issue a fingerprint, and the others none", async () => {
    const fetched = await runner().fetch("co", credential);
    const withIssues = new Set(fetched.issues.map((i) => i.bobEmployeeId));
    expect(fetched.records.length).toBeGreaterThan(100);
    for (const record of fetched.records) {
      if (withIssues.has(record.bobId)) expect(fingerprintOf(record), record.bobId).toBeNull();
      else expect(fingerprintOf(record), record.bobId).toMatch(/^[\w-]{22}\.[\w-]{43}$/);
    }
  });

  it("property: after random changes in Bob, recognising gives exactly what mapping gives; unchanged people are the stored records themselves", async () => {
    const ids = sim.company.employees().map((e) => e.id);
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.record({ who: fc.nat(), change: fc.constantFrom("surname", "title", "email", "nothing") }), {
          maxLength: 8,
        }),
        async (edits) => {
          const stored = await initialDirectory();
          const touched = new Set<string>();
          for (const [n, edit] of edits.entries()) {
            const id = ids[edit.who % ids.length] as string;
            if (edit.change === "nothing" || !sim.company.employee(id)) continue;
            if (edit.change === "surname") sim.company.updateEmployee(id, { "root.surname": `Changed${n}${edit.who}` });
            if (edit.change === "email")
              sim.company.updateEmployee(id, { "root.email": `changed.${n}.${edit.who}@example.com` });
            if (edit.change === "title")
              sim.company.updateEmployee(id, {
                "work.title": sim.company.namedLists().find((l) => l.name === "title")?.items[n % 3]?.id,
              });
            touched.add(id);
          }
          const recognised = await runner().fetch("co", credential, undefined, () => stored);
          const mapped = await runner().fetch("co", credential);
          expect(recognised.records).toEqual(mapped.records);
          expect(recognised.issues).toEqual(mapped.issues);
          expect(recognised.fetched).toBe(mapped.fetched);
          // Same bytes (an untouched person, unless what Bob embeds of someone else changed, like a
          // manager's name in reportsTo) under the same context: the stored record itself.
          const mappedById = byBobId(mapped.records);
          let same = 0;
          for (const record of recognised.records) {
            const before = stored.get(record.bobId);
            const fresh = fingerprintOf(mappedById.get(record.bobId) as EmployeeRecord);
            if (before !== undefined && fresh !== null && fresh === fingerprintOf(before)) {
              expect(record).toBe(before);
              same++;
            } else {
              expect(fingerprintOf(record)).toBe(fresh);
              if (touched.has(record.bobId)) expect(record).not.toBe(before);
            }
          }
          expect(same).toBeGreaterThan(stored.size / 2);
          // Planning over recognised records decides what planning over mapped ones decides.
          const planOf = (records: EmployeeRecord[], issues: typeof mapped.issues) =>
            planSync({ fetched: records, directory: stored, fetchComplete: true, issues, attributes });
          const a = planOf(recognised.records, recognised.issues);
          const b = planOf(mapped.records, mapped.issues);
          expect({ ...a, fingerprintRefreshes: [] }).toEqual({ ...b, fingerprintRefreshes: [] });
        },
      ),
      { numRuns: 12 },
    );
  });

  it("maps everyone afresh when the mapping context changes (a new named-list item), and the records are equal", async () => {
    const stored = await initialDirectory();
    sim.company.addListItem("department", { name: `Department ${Date.now()}` });
    const after = await runner().fetch("co", credential, undefined, () => stored);
    expect(after.records.length).toBeGreaterThanOrEqual(stored.size);
    for (const record of after.records) {
      const before = stored.get(record.bobId);
      if (before === undefined) continue;
      expect(record).not.toBe(before);
      if (fingerprintOf(before) !== null) {
        expect(record).toEqual(before);
        expect(fingerprintOf(record)?.split(".")[1]).toBe(fingerprintOf(before)?.split(".")[1]); // same bytes
        expect(fingerprintOf(record)?.split(".")[0]).not.toBe(fingerprintOf(before)?.split(".")[0]); // new context
      }
    }
    // Planning stores the new fingerprints of everyone unchanged, and writes nothing else.
    const plan = planSync({
      fetched: after.records,
      directory: stored,
      fetchComplete: true,
      issues: after.issues,
      attributes,
    });
    expect(plan.creates.length + plan.updates.length + plan.deletes.length).toBe(0);
    expect(plan.fingerprintRefreshes.length).toBe([...stored.values()].filter((r) => fingerprintOf(r) !== null).length);
  });

  it("recognises people whose answer came before the field metadata (the early search of a resync)", async () => {
    const client = new BobHttpClient({ baseUrl: sim.baseUrl, baseDelayMs: 10, maxDelayMs: 50 });
    // The field metadata is held back until the people search has been answered in full.
    let searched: Promise<unknown> = Promise.resolve();
    const bob = {
      verifyAccess: client.verifyAccess.bind(client),
      fetchNamedLists: client.fetchNamedLists.bind(client),
      searchPeople: client.searchPeople.bind(client),
      searchPeopleMapped: ((...args: Parameters<typeof client.searchPeopleMapped>) => {
        const answer = client.searchPeopleMapped(...args);
        searched = answer.catch(() => undefined);
        return answer;
      }) as typeof client.searchPeopleMapped,
      fetchFields: async (c: BobCredential) => {
        await new Promise((resolve) => setImmediate(resolve));
        await searched;
        return client.fetchFields(c);
      },
    };
    const slowMetadata = new FullSyncRunner({
      bob,
      attributes: { list: async () => attributes, createCustom: async () => null },
    } as unknown as FullSyncRunnerDeps);
    const first = await slowMetadata.fetch("co", credential);
    const stored = byBobId(
      planSync({ fetched: first.records, directory: new Map(), fetchComplete: true, issues: first.issues, attributes })
        .creates,
    );
    const again = await slowMetadata.fetch("co", credential, undefined, () => stored); // this one guesses the fields
    expect(again.records).toEqual((await runner().fetch("co", credential)).records);
    const recognised = again.records.filter((r) => stored.get(r.bobId) === r).length;
    expect(recognised).toBe([...stored.values()].filter((r) => fingerprintOf(r) !== null).length);
    expect(recognised).toBeGreaterThan(100);
  });
});

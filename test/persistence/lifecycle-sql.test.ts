import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { deriveLifecycle, type EmployeeRecord, type Lifecycle } from "../../src/domain/mapping/index.js";
import { SqlDirectoryStore } from "../../src/persistence/stores/directory-store.js";
import { employee } from "../domain/fixtures.js";
import { startTestGateway, type TestGateway } from "../support/test-gateway.js";

const LIFECYCLES: readonly Lifecycle[] = ["PRE_HIRE", "ACTIVE", "LEAVING", "LEFT"];
const COMPANY = "lifecycle-sql-co";

/** A calendar day `days` after `day` (test arithmetic only: the code under test never does this). */
const addDays = (day: string, days: number): string =>
  new Date(Date.parse(`${day}T00:00:00Z`) + days * 86_400_000).toISOString().slice(0, 10);

/**
 * The lifecycle filter of the directory (SQL, persistence/stores/directory-store.ts LIFECYCLE_SQL,
 * run by the database under test) against deriveLifecycle (TypeScript): for any start date,
 * separation date and today they put every employee in the same lifecycle, and "surveyable"
 * (ACTIVE or LEAVING, as a filter would ask for it) is deriveLifecycle's surveyable. The
 * separation date is the last day of employment: LEAVING and surveyable on it, LEFT the day after.
 */
describe("lifecycle in SQL (the directory's lifecycle filter) agrees with deriveLifecycle", () => {
  let gw: TestGateway;
  let store: SqlDirectoryStore;
  beforeAll(async () => {
    gw = await startTestGateway();
    await gw.gql("mutation { enableIntegration { status } }", {}, await gw.token(COMPANY, "SUPPORT")); // creates the company
    store = new SqlDirectoryStore(gw.gateway.db, { cachedEmployees: 0 });
  });
  afterAll(async () => gw?.stop());

  const replaceDirectory = async (records: readonly EmployeeRecord[]): Promise<void> => {
    const current = await store.loadRecords(COMPANY);
    await store.applyBatch(COMPANY, { deletes: [...current.keys()], updates: [], creates: records });
  };

  const bobIdsWhere = async (lifecycles: readonly Lifecycle[], today: string): Promise<string[]> => {
    const page = await store.page(COMPANY, { first: 500, after: null, lifecycles: { lifecycles, today } });
    expect(page.hasNextPage).toBe(false);
    expect(page.totalCount).toBe(page.employees.length);
    return page.employees.map((e) => e.employee.bobId).sort();
  };

  /** Every record lands in exactly deriveLifecycle's lifecycle; ACTIVE + LEAVING are exactly the surveyable. */
  const expectAgreement = async (records: readonly EmployeeRecord[], today: string): Promise<void> => {
    const derived = new Map(records.map((r) => [r.bobId, deriveLifecycle(r, today)]));
    const expected = (keep: (s: ReturnType<typeof deriveLifecycle>) => boolean) =>
      records
        .filter((r) => keep(derived.get(r.bobId)!))
        .map((r) => r.bobId)
        .sort();
    const why = (ids: readonly string[]) =>
      `today ${today}: ${JSON.stringify(records.filter((r) => ids.includes(r.bobId)).map((r) => [r.bobId, r.startDate, r.separationDate]))}`;
    for (const lifecycle of LIFECYCLES) {
      const want = expected((s) => s.lifecycle === lifecycle);
      const got = await bobIdsWhere([lifecycle], today);
      expect(got, `${lifecycle} ${why([...want, ...got])}`).toEqual(want);
    }
    const surveyable = expected((s) => s.surveyable);
    const got = await bobIdsWhere(["ACTIVE", "LEAVING"], today);
    expect(got, `surveyable ${why([...surveyable, ...got])}`).toEqual(surveyable);
  };

  it("on every combination of start and separation date around today, the separation day included", async () => {
    const today = "2024-02-29";
    const days = [null, addDays(today, -1), today, addDays(today, 1)];
    const records = days.flatMap((startDate, i) =>
      days.map((separationDate, j) => employee(`g${i}${j}`, { startDate, separationDate })),
    );
    await replaceDirectory(records);
    for (const day of [addDays(today, -1), today, addDays(today, 1)]) await expectAgreement(records, day);
    // The separation day itself: LEAVING and surveyable; the day after: LEFT.
    const leaver = employee("leaver", { startDate: "2020-01-01", separationDate: today });
    await replaceDirectory([leaver]);
    expect(await bobIdsWhere(["LEAVING"], today)).toEqual(["leaver"]);
    expect(await bobIdsWhere(["ACTIVE", "LEAVING"], today)).toEqual(["leaver"]);
    expect(await bobIdsWhere(["LEFT"], addDays(today, 1))).toEqual(["leaver"]);
  });

  it("property: for random start dates, separation dates and todays", async () => {
    // Dates near today (the edges: the day before, of, after) as often as anywhere in two centuries.
    const near = fc.integer({ min: -2, max: 2 });
    const far = fc.integer({ min: -40_000, max: 40_000 });
    const offset = fc.option(fc.oneof(near, far), { nil: null, freq: 4 });
    const today = fc.integer({ min: 0, max: 73_000 }).map((d) => addDays("1950-01-01", d));
    const directory = fc.array(fc.tuple(offset, offset), { minLength: 1, maxLength: 12 });
    await fc.assert(
      fc.asyncProperty(today, directory, async (day, offsets) => {
        const records = offsets.map(([start, separation], i) =>
          employee(`p${i}`, {
            startDate: start === null ? null : addDays(day, start),
            separationDate: separation === null ? null : addDays(day, separation),
          }),
        );
        await replaceDirectory(records);
        await expectAgreement(records, day);
      }),
      { numRuns: 30, seed: 20261205 },
    );
  });
});

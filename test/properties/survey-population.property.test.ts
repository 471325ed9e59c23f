/**
 * The survey population is the lifecycle rule applied on two days: for any directory, any today
 * and any later date, the counts agree with deriveLifecycle, joining and leaving never overlap,
 * surveyable(on) = surveyable(today) + joining - leaving, and the groups add up to the totals.
 * The survey impact of a plan agrees with the rule before and after each change.
 */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { MAX_IMPACT_EMPLOYEES, surveyImpactOf } from "../../src/domain/survey/survey-impact.js";
import { surveyPopulation } from "../../src/domain/survey/survey-population.js";
import type { EmployeeRecord } from "../../src/domain/mapping/employee-record.js";
import { deriveLifecycle } from "../../src/domain/mapping/lifecycle.js";

/** Days of June and July 2026: few enough that start, separation, today and `on` often meet. */
const day = fc.integer({ min: 0, max: 60 }).map((n) => new Date(Date.UTC(2026, 5, 1 + n)).toISOString().slice(0, 10));
const record = (bobId: string): fc.Arbitrary<EmployeeRecord> =>
  fc.record({
    bobId: fc.constant(bobId),
    employeeNumber: fc.constant(null),
    firstName: fc.constantFrom("Ann", "Bo", "Cy"),
    lastName: fc.constantFrom("Lee", "Ray"),
    email: fc.constant(`${bobId}@x.example`),
    managerBobId: fc.constant(null),
    startDate: fc.option(day, { nil: null }),
    birthDate: fc.constant(null),
    separationDate: fc.option(day, { nil: null }),
    separationReason: fc.constant(null),
    gardenLeave: fc.constant(false),
    attributes: fc
      .option(fc.constantFrom("Sales", "Ops", "R&D"), { nil: null })
      .map((d): Record<string, string> => (d === null ? {} : { dept: d })),
  });
const directory = fc
  .integer({ min: 0, max: 40 })
  .chain((n) => fc.tuple(...Array.from({ length: n }, (_, i) => record(`e${i}`))));
const days = fc.tuple(day, day).map(([a, b]) => (a <= b ? { today: a, on: b } : { today: b, on: a }));
const surveyable = (e: EmployeeRecord, d: string) => deriveLifecycle(e, d).surveyable;

describe("survey population", () => {
  it("agrees with the lifecycle rule on both days, and its groups add up", () => {
    fc.assert(
      fc.property(directory, days, (employees, { today, on }) => {
        const p = surveyPopulation(employees, { today, on }, (e) => e.attributes.dept ?? null);
        expect(p.surveyable).toBe(employees.filter((e) => surveyable(e, on)).length);
        expect(p.surveyableToday).toBe(employees.filter((e) => surveyable(e, today)).length);
        const joining = new Set(p.joining.map((e) => e.bobId));
        const leaving = new Set(p.leaving.map((e) => e.bobId));
        expect([...joining].filter((id) => leaving.has(id))).toEqual([]);
        expect(p.surveyable).toBe(p.surveyableToday + joining.size - leaving.size);
        for (const e of employees) {
          expect(joining.has(e.bobId)).toBe(!surveyable(e, today) && surveyable(e, on));
          expect(leaving.has(e.bobId)).toBe(surveyable(e, today) && !surveyable(e, on));
        }
        const sum = (key: "surveyable" | "joining" | "leaving") => p.groups.reduce((n, g) => n + g[key], 0);
        expect([sum("surveyable"), sum("joining"), sum("leaving")]).toEqual([p.surveyable, joining.size, leaving.size]);
        expect(new Set(p.groups.map((g) => g.value)).size).toBe(p.groups.length);
        // Without a grouping: the same counts, no groups.
        const plain = surveyPopulation(employees, { today, on });
        expect([plain.surveyable, plain.joining.length, plain.leaving.length, plain.groups]).toEqual([
          p.surveyable,
          joining.size,
          leaving.size,
          [],
        ]);
      }),
      { numRuns: 300 },
    );
  });

  it("a plan's survey impact is the rule before and after each change", () => {
    const plan = fc.tuple(directory, directory, day).map(([before, after, today]) => {
      const creates = after.filter((_, i) => i % 3 === 0).map((e) => ({ ...e, bobId: `new-${e.bobId}` }));
      const updates = before
        .filter((_, i) => i % 3 === 1)
        .map((b, i) => ({ before: b, after: { ...(after[i] ?? b), bobId: b.bobId } }));
      const deletes = before.filter((_, i) => i % 3 === 2);
      return { creates, updates, deletes, today };
    });
    fc.assert(
      fc.property(plan, ({ creates, updates, deletes, today }) => {
        const impact = surveyImpactOf({ creates, updates, deletes }, today);
        const becomes = [
          ...creates.filter((e) => surveyable(e, today)),
          ...updates.filter((u) => !surveyable(u.before, today) && surveyable(u.after, today)).map((u) => u.after),
        ];
        const stops = [
          ...deletes.filter((e) => surveyable(e, today)),
          ...updates.filter((u) => surveyable(u.before, today) && !surveyable(u.after, today)).map((u) => u.after),
        ];
        expect(impact.becomes).toBe(becomes.length);
        expect(impact.stops).toBe(stops.length);
        expect(
          impact.employees
            .filter((e) => e.becomes)
            .map((e) => e.bobId)
            .sort(),
        ).toEqual(becomes.map((e) => e.bobId).sort());
        expect(
          impact.employees
            .filter((e) => !e.becomes)
            .map((e) => e.bobId)
            .sort(),
        ).toEqual(stops.map((e) => e.bobId).sort());
      }),
      { numRuns: 300 },
    );
  });

  it("keeps whole counts and lists at most MAX_IMPACT_EMPLOYEES employees (an initial sync of 50,000)", () => {
    const creates = Array.from({ length: 50_000 }, (_, i): EmployeeRecord => ({
      bobId: `e${i}`,
      employeeNumber: null,
      firstName: "A",
      lastName: "B",
      email: null,
      managerBobId: null,
      startDate: "2020-01-01",
      birthDate: null,
      separationDate: null,
      separationReason: null,
      gardenLeave: false,
      attributes: {},
    }));
    const impact = surveyImpactOf({ creates, updates: [], deletes: [] }, "2026-06-15");
    expect(impact.becomes).toBe(50_000);
    expect(impact.employees).toHaveLength(MAX_IMPACT_EMPLOYEES);
  });
});

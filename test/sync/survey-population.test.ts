/**
 * surveyPopulation(on:, groupBy:): who is surveyable on a coming day, who joins (future hires
 * starting) and who leaves (separation date passed: the separation date is the last surveyed day)
 * between the company's today and then, grouped by an attribute's values. Through the real
 * server: Bob simulator -> full sync -> GraphQL.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { TODAY, startSyncHarness, type SyncHarness } from "../support/sync-harness.js";

type Person = {
  bobId: string;
  firstName: string;
  lifecycle: string;
  surveyable: boolean;
  manager: { bobId: string } | null;
  attributes: { attribute: { name: string }; value: string | null }[];
};
type Group = { value: string | null; surveyable: number; joining: number; leaving: number };
type Population = { on: string; surveyable: number; joining: Person[]; leaving: Person[]; groups: Group[] };
const PERSON = "bobId firstName lifecycle surveyable manager { bobId } attributes { attribute { name } value }";
const QUERY = `query($on: Date!, $by: String) { surveyPopulation(on: $on, groupBy: $by) { on surveyable joining { ${PERSON} } leaving { ${PERSON} } groups { value surveyable joining leaving } } }`;

describe("survey population", () => {
  let h: SyncHarness;
  const ids: Record<string, string> = {};
  const departments: { id: string; name: string }[] = [];

  const ask = (on: string, by: string | null = null) =>
    h.gw.gql<{ surveyPopulation: Population }>(QUERY, { on, by }, h.admin);
  const population = async (on: string, by: string | null = null): Promise<Population> => {
    const res = await ask(on, by);
    expect(res.errors).toBeUndefined();
    return res.data?.surveyPopulation as Population;
  };
  const names = (people: Person[]) => people.map((p) => p.firstName);
  const setTimeZone = async (timeZone: string) => {
    const res = await h.gw.gql(
      "mutation($i: UpdateSyncSettingsInput!) { updateSyncSettings(input: $i) { settings { timeZone } } }",
      { i: { timeZone } },
      h.admin,
    );
    expect(res.errors).toBeUndefined();
  };

  beforeAll(async () => {
    h = await startSyncHarness({ employees: 0, companyId: "survey-co" });
    type Item = { id: string; name: string; children?: Item[] };
    const flatten = (items: Item[]): Item[] => items.flatMap((i) => [i, ...flatten(i.children ?? [])]);
    departments.push(
      ...flatten((h.sim.company.namedLists().find((l) => l.name === "department")?.items ?? []) as Item[]).slice(0, 2),
    );
    const [sales, ops] = departments as [{ id: string }, { id: string }];
    const person = (first: string, startDate: string, department: string | null, extra: Record<string, unknown> = {}) =>
      (ids[first] = h.sim.company.createEmployee({
        "root.firstName": first,
        "root.surname": "Survey",
        "root.email": `${first.toLowerCase()}@acme.example`,
        "work.startDate": startDate,
        "work.department": department,
        ...extra,
      }));
    person("Ada", "2020-01-01", sales.id);
    person("Ben", "2021-03-01", sales.id, { "work.manager": ids.Ada });
    person("Cy", "2019-05-01", ops.id, { "work.manager": ids.Ada });
    person("Dot", "2018-01-01", null);
    person("Hiro", "2026-07-01", sales.id); // future hire
    person("Ivy", "2026-09-01", ops.id); // starts after the dates asked about
    person("Finn", "2026-06-16", ops.id); // starts tomorrow
    person("Leo", "2015-01-01", ops.id); // leaving: last day 2026-06-30
    person("Max", "2015-01-01", sales.id); // left before today
    h.sim.company.terminateEmployee(ids.Leo as string, {
      terminationDate: "2026-06-30",
      terminationReason: "Resignation",
    });
    h.sim.company.terminateEmployee(ids.Max as string, {
      terminationDate: "2026-06-01",
      terminationReason: "Resignation",
    });
    const run = await h.syncAndWait();
    expect(run.counts.created).toBe(9);
  }, 60_000);
  afterAll(async () => h?.close());

  it("on today: today's surveyable population, nobody joining or leaving", async () => {
    const today = await population(TODAY);
    expect(today).toMatchObject({ on: TODAY, surveyable: 5, joining: [], leaving: [], groups: [] });
  });

  it("counts future hires as joining from their start date, by start date", async () => {
    const p = await population("2026-07-01");
    expect(names(p.joining)).toEqual(["Finn", "Hiro"]);
    // Employees in the lists resolve like any other: lifecycle as of today, manager, attributes.
    expect(p.joining.find((e) => e.firstName === "Hiro")).toMatchObject({
      bobId: ids.Hiro,
      lifecycle: "PRE_HIRE",
      surveyable: false,
    });
    expect(p.joining.find((e) => e.firstName === "Finn")?.attributes).toContainEqual({
      attribute: { name: "Department" },
      value: departments[1]?.name,
    });
    expect(names((await population("2026-06-30")).joining)).toEqual(["Finn"]);
  });

  it("keeps a leaver in the population on the separation date and counts them leaving the day after", async () => {
    const lastDay = await population("2026-06-30");
    expect(lastDay.leaving).toEqual([]);
    expect(lastDay.surveyable).toBe(6); // Ada, Ben, Cy, Dot, Leo, Finn
    const after = await population("2026-07-01");
    expect(names(after.leaving)).toEqual(["Leo"]);
    expect(after.leaving[0]).toMatchObject({ lifecycle: "LEAVING", surveyable: true, manager: null });
    // surveyable then = surveyable today + joining - leaving; Max (left) and Ivy (September) are in no list.
    expect(after.surveyable).toBe(5 + 2 - 1);
    expect(names([...after.joining, ...after.leaving])).not.toContain("Max");
    expect(names((await population("2026-09-01")).joining)).toEqual(["Finn", "Hiro", "Ivy"]);
  });

  it("refuses a date before the company's today", async () => {
    const res = await ask("2026-06-14");
    expect(res.errors?.[0]?.extensions?.code).toBe("BAD_USER_INPUT");
    expect(res.errors?.[0]?.message).toContain(TODAY);
  });

  it("groups by an attribute named case-insensitively; the groups add up to the totals", async () => {
    const p = await population("2026-07-01", "  department ");
    const [sales, ops] = departments as [{ name: string }, { name: string }];
    const byValue = new Map(p.groups.map((g) => [g.value, g]));
    expect(byValue.get(sales.name)).toEqual({ value: sales.name, surveyable: 3, joining: 1, leaving: 0 }); // Ada, Ben, Hiro
    expect(byValue.get(ops.name)).toEqual({ value: ops.name, surveyable: 2, joining: 1, leaving: 1 }); // Cy, Finn; Leo leaves
    expect(p.groups.at(-1)).toEqual({ value: null, surveyable: 1, joining: 0, leaving: 0 }); // Dot, no department
    const sum = (key: "surveyable" | "joining" | "leaving") => p.groups.reduce((n, g) => n + g[key], 0);
    expect([sum("surveyable"), sum("joining"), sum("leaving")]).toEqual([
      p.surveyable,
      p.joining.length,
      p.leaving.length,
    ]);
  });

  it("groups an EMPLOYEE attribute by the referenced person's name", async () => {
    const p = await population(TODAY, "MANAGER");
    expect(p.groups).toEqual([
      { value: "Ada Survey", surveyable: 2, joining: 0, leaving: 0 },
      { value: null, surveyable: 3, joining: 0, leaving: 0 },
    ]);
  });

  it("refuses an attribute the company does not have", async () => {
    for (const by of ["Shoe size", ""]) {
      const res = await ask("2026-07-01", by);
      expect(res.errors?.[0]?.extensions?.code, by).toBe("BAD_USER_INPUT");
    }
    expect((await ask("2026-07-01", "Shoe size")).errors?.[0]?.message).toContain("Shoe size");
  });

  it("counts from the company's today in its time zone", async () => {
    h.clock.set(`${TODAY}T12:00:00Z`); // already 2026-06-16 (02:00) in Kiritimati, UTC+14
    expect(names((await population("2026-06-16")).joining)).toEqual(["Finn"]);
    await setTimeZone("Pacific/Kiritimati");
    try {
      const res = await ask(TODAY);
      expect(res.errors?.[0]?.extensions?.code).toBe("BAD_USER_INPUT");
      const p = await population("2026-06-16");
      expect(p.joining).toEqual([]); // Finn starts on the company's today
      expect(p.surveyable).toBe(6);
    } finally {
      await setTimeZone("UTC");
    }
  });
});

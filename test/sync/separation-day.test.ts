import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { GraphQLReadCache } from "../../src/graphql/read-cache.js";
import {
  EMPLOYEE_FIELDS,
  TODAY,
  startSyncHarness,
  type EmployeeView,
  type SyncHarness,
} from "../support/sync-harness.js";

/**
 * The separation date is the last day of employment: on it a leaver is LEAVING and still
 * surveyable, the day after LEFT and not surveyable. "Today" is the company's calendar day in its
 * time zone (SyncSettings.timeZone, UTC by default), which updateSyncSettings changes.
 * Through the real server: Bob simulator -> full sync -> GraphQL (and its read cache).
 */
describe("the separation day and the company's time zone", () => {
  let h: SyncHarness;
  const ids = { onTheDay: "", dayAfterToday: "", yesterday: "", monthAgo: "", startsTomorrow: "" };
  type Settings = { deletionSafeguardPercent: number; reconcileEveryHours: number | null; timeZone: string };
  const SETTINGS = "settings { deletionSafeguardPercent reconcileEveryHours timeZone }";

  const settings = async () =>
    (await h.gql<{ integration: { settings: Settings } }>(`{ integration { ${SETTINGS} } }`)).integration.settings;
  const updateSettings = (input: Record<string, unknown>) =>
    h.gw.gql<{ updateSyncSettings: { settings: Settings } }>(
      `mutation($i: UpdateSyncSettingsInput!) { updateSyncSettings(input: $i) { ${SETTINGS} } }`,
      { i: input },
      h.admin,
    );
  const setTimeZone = async (timeZone: string): Promise<Settings> => {
    const res = await updateSettings({ timeZone });
    expect(res.errors).toBeUndefined();
    return res.data?.updateSyncSettings.settings as Settings;
  };
  /** Everyone's lifecycle, surveyable and tenure, in one (cacheable) directory read. */
  const directory = async (): Promise<Map<string, Pick<EmployeeView, "lifecycle" | "surveyable" | "tenureMonths">>> => {
    const page = await h.gql<{ employees: { edges: { node: EmployeeView }[] } }>(
      `{ employees(first: 100) { edges { node { ${EMPLOYEE_FIELDS} } } } }`,
    );
    return new Map(
      page.employees.edges.map(({ node }) => [
        node.bobId,
        { lifecycle: node.lifecycle, surveyable: node.surveyable, tenureMonths: node.tenureMonths },
      ]),
    );
  };
  const withLifecycle = async (lifecycle: string): Promise<string[]> =>
    (
      await h.gql<{ employees: { edges: { node: { bobId: string } }[] } }>(
        `{ employees(first: 100, lifecycle: [${lifecycle}]) { edges { node { bobId } } } }`,
      )
    ).employees.edges
      .map((e) => e.node.bobId)
      .sort();

  beforeAll(async () => {
    h = await startSyncHarness({ employees: 0, companyId: "separation-co" });
    const person = (first: string, startDate: string) =>
      h.sim.company.createEmployee({
        "root.firstName": first,
        "root.surname": "Tester",
        "root.email": `${first.toLowerCase()}@acme.example`,
        "work.startDate": startDate,
      });
    ids.onTheDay = person("Lena", "2020-01-01");
    ids.dayAfterToday = person("Tomas", "2020-01-01");
    ids.yesterday = person("Yara", "2020-01-01");
    ids.monthAgo = person("Nina", "2026-05-16"); // a whole month of tenure on 2026-06-16
    ids.startsTomorrow = person("Finn", "2026-06-16");
    h.sim.company.terminateEmployee(ids.onTheDay, { terminationDate: TODAY, terminationReason: "Resignation" });
    h.sim.company.terminateEmployee(ids.dayAfterToday, {
      terminationDate: "2026-06-16",
      terminationReason: "Resignation",
    });
    h.sim.company.terminateEmployee(ids.yesterday, { terminationDate: "2026-06-14", terminationReason: "Resignation" });
    const run = await h.syncAndWait();
    expect(run.counts.created).toBe(5);
  });
  afterAll(async () => h?.close());

  it("has the company's time zone in the sync settings, UTC by default", async () => {
    expect(await settings()).toEqual({ deletionSafeguardPercent: 20, reconcileEveryHours: null, timeZone: "UTC" });
  });

  it("keeps a leaver LEAVING and surveyable on the separation date, LEFT and not surveyable the day after", async () => {
    h.clock.setDay(TODAY);
    expect(await h.employee(ids.onTheDay)).toMatchObject({
      separationDate: TODAY,
      lifecycle: "LEAVING",
      surveyable: true,
    });
    expect(await h.employee(ids.dayAfterToday)).toMatchObject({ lifecycle: "LEAVING", surveyable: true });
    expect(await h.employee(ids.yesterday)).toMatchObject({
      separationDate: "2026-06-14",
      lifecycle: "LEFT",
      surveyable: false,
    });
    expect(await withLifecycle("LEAVING")).toEqual([ids.onTheDay, ids.dayAfterToday].sort());
    expect(await withLifecycle("LEFT")).toEqual([ids.yesterday]);

    h.clock.setDay("2026-06-16");
    expect(await h.employee(ids.onTheDay)).toMatchObject({ lifecycle: "LEFT", surveyable: false });
    expect(await h.employee(ids.dayAfterToday)).toMatchObject({ lifecycle: "LEAVING", surveyable: true }); // its own last day
    expect(await withLifecycle("LEAVING")).toEqual([ids.dayAfterToday]);
    expect(await withLifecycle("LEFT")).toEqual([ids.onTheDay, ids.yesterday].sort());
    h.clock.setDay(TODAY);
  });

  it("moves the company's today with updateSyncSettings(timeZone:), cached reads included", async () => {
    h.clock.set(`${TODAY}T12:00:00Z`); // already 2026-06-16 (02:00) in Kiritimati, UTC+14
    const cache = h.gw.gateway.readCache as GraphQLReadCache;
    const utc = await directory();
    const hitsBefore = cache.stats.hits;
    expect(await directory()).toEqual(utc); // kept by the read cache
    expect(cache.stats.hits).toBe(hitsBefore + 1);
    expect(utc.get(ids.onTheDay)).toEqual({ lifecycle: "LEAVING", surveyable: true, tenureMonths: 77 });
    expect(utc.get(ids.monthAgo)).toMatchObject({ lifecycle: "ACTIVE", tenureMonths: 0 });
    expect(utc.get(ids.startsTomorrow)).toEqual({ lifecycle: "PRE_HIRE", surveyable: false, tenureMonths: null });

    expect(await setTimeZone("Pacific/Kiritimati")).toEqual({
      deletionSafeguardPercent: 20,
      reconcileEveryHours: null,
      timeZone: "Pacific/Kiritimati",
    });
    expect((await settings()).timeZone).toBe("Pacific/Kiritimati");
    const kiritimati = await directory();
    expect(kiritimati.get(ids.onTheDay)).toEqual({ lifecycle: "LEFT", surveyable: false, tenureMonths: 77 });
    expect(kiritimati.get(ids.dayAfterToday)).toEqual({ lifecycle: "LEAVING", surveyable: true, tenureMonths: 77 });
    expect(kiritimati.get(ids.monthAgo)).toMatchObject({ lifecycle: "ACTIVE", surveyable: true, tenureMonths: 1 });
    expect(kiritimati.get(ids.startsTomorrow)).toEqual({ lifecycle: "ACTIVE", surveyable: true, tenureMonths: 0 });
    expect(await withLifecycle("LEFT")).toEqual([ids.onTheDay, ids.yesterday].sort());
    expect(await h.employee(ids.onTheDay)).toMatchObject({ lifecycle: "LEFT", surveyable: false });

    // Back to UTC: back to the 15th.
    await setTimeZone("UTC");
    expect(await directory()).toEqual(utc);

    // Just after midnight UTC it is the 16th in UTC, still the 15th in Los Angeles (UTC-7 in June).
    h.clock.set("2026-06-16T00:30:00Z");
    expect(await h.employee(ids.onTheDay)).toMatchObject({ lifecycle: "LEFT", surveyable: false });
    expect(await setTimeZone("America/Los_Angeles")).toMatchObject({ timeZone: "America/Los_Angeles" });
    expect(await h.employee(ids.onTheDay)).toMatchObject({ lifecycle: "LEAVING", surveyable: true });
    expect(await withLifecycle("LEFT")).toEqual([ids.yesterday]);

    await setTimeZone("UTC");
    h.clock.setDay(TODAY);
  });

  it("stores the zone as Intl spells it when only the letter case differs", async () => {
    expect(await setTimeZone("europe/copenhagen")).toMatchObject({ timeZone: "Europe/Copenhagen" });
    await setTimeZone("UTC");
  });

  it.each([
    ["an unknown zone", "Mars/Olympus_Mons"],
    ["an empty string", ""],
    ["a UTC offset (not an IANA name)", "+14:00"],
    ["surrounding spaces", " Pacific/Kiritimati"],
    ["more than 64 characters", `Pacific/${"K".repeat(60)}`],
    ["null", null],
  ])(
    "refuses %s with BAD_USER_INPUT and changes nothing, the other settings of the input neither",
    async (_what, timeZone) => {
      await setTimeZone("Europe/Copenhagen");
      h.clock.set(`${TODAY}T12:00:00Z`);
      const before = await settings();
      const lifecycles = await directory();
      const res = await updateSettings({ timeZone, deletionSafeguardPercent: 55 });
      expect(res.data).toBeNull();
      expect(res.errors?.[0]?.extensions?.code).toBe("BAD_USER_INPUT");
      expect(res.errors?.[0]?.message).toMatch(/^timeZone must be an IANA time zone name/);
      expect(await settings()).toEqual(before);
      expect(await directory()).toEqual(lifecycles);
      await setTimeZone("UTC");
    },
  );
});

// Property-based tests of every mutation of the schema (schema/schema.graphql) with random
// variables, roles and companies: every answer is data or a documented error code (README,
// "GraphQL error codes"), never INTERNAL_SERVER_ERROR nor an HTTP 5xx, and a mutation that
// failed changed nothing in company, attribute, bob_connection or sync_run. fast-check prints
// the seed and the shrunk counterexample on failure; re-run one with `{ seed, path }`.
import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startSyncHarness, type SyncHarness } from "../support/sync-harness.js";

const HOME = "prop-mut-co"; // enabled and connected (the harness)
const UNCONNECTED = "prop-mut-unconnected-co"; // enabled, no credential
const DISABLED = "prop-mut-disabled-co"; // never enabled (enableIntegration is only sent to random companies)

/** The documented error codes, plus GraphQL's own for requests that fail validation or variable coercion. */
const DOCUMENTED_CODES = new Set([
  "UNAUTHENTICATED",
  "FORBIDDEN",
  "BAD_USER_INPUT",
  "NOT_FOUND",
  "FEATURE_NOT_ENABLED",
  "NOT_CONNECTED",
  "BOB_INVALID_CREDENTIALS",
  "BOB_MISSING_SCOPE",
  "BOB_UNAVAILABLE",
  "GRAPHQL_VALIDATION_FAILED",
  "RATE_LIMITED",
]);

let h: SyncHarness;
/** How often each outcome was reached, so a property that never reaches its interesting case fails. */
const reached = new Map<string, number>();
const count = (what: string): void => void reached.set(what, (reached.get(what) ?? 0) + 1);

interface Answer {
  status: number;
  data?: Record<string, unknown> | null;
  errors?: { message: string; extensions?: { code?: string } }[];
}

const sql = <T>(text: string): Promise<T[]> => h.gw.gateway.db.em().execute<T[]>(text);

async function snapshot(): Promise<string> {
  const [company, attribute, connection, runs] = await Promise.all([
    sql("select * from company order by id"),
    sql("select * from attribute order by id"),
    sql("select * from bob_connection order by company_id"),
    sql("select * from sync_run order by id"),
  ]);
  return JSON.stringify({ company, attribute, connection, runs });
}

type Auth =
  | { kind: "token"; company: string; role: "ADMIN" | "SUPPORT" }
  | { kind: "none" }
  | { kind: "garbage"; value: string }
  | { kind: "expired"; company: string }
  /** A correctly signed, unexpired token whose companyId is outside [A-Za-z0-9._-]{1,128}: UNAUTHENTICATED. */
  | { kind: "badCompany"; company: string; role: "ADMIN" | "SUPPORT" };

async function authorization(auth: Auth): Promise<string | null> {
  switch (auth.kind) {
    case "token":
    case "badCompany":
      return `Bearer ${await h.gw.token(auth.company, auth.role)}`;
    case "expired":
      return `Bearer ${await h.gw.token(auth.company, "ADMIN", { expiresIn: Math.floor(Date.now() / 1000) - 60 })}`;
    case "none":
      return null;
    case "garbage":
      return auth.value;
  }
}

async function post(query: string, variables: unknown, authHeader: string | null): Promise<Answer> {
  const headers: Record<string, string> = { "content-type": "application/json" };
  if (authHeader !== null) headers.authorization = authHeader;
  const res = await fetch(`${h.gw.url}/graphql`, {
    method: "POST",
    headers,
    body: JSON.stringify({ query, variables }),
  });
  const text = await res.text();
  expect(res.status, text).toBeLessThan(500);
  return { ...(JSON.parse(text) as Omit<Answer, "status">), status: res.status };
}

/** The company is created on first authentication (documented); do that before the "before" snapshot. */
async function touch(authHeader: string | null): Promise<void> {
  if (authHeader !== null) await post("{ integration { status } }", {}, authHeader);
}

/**
 * Sends one mutation and checks the universal properties. Returns the answer for
 * mutation-specific checks. Any run it started is awaited so the next snapshot is stable.
 */
async function check(field: string, query: string, variables: unknown, auth: Auth): Promise<Answer> {
  const authHeader = await authorization(auth);
  await touch(authHeader);
  const before = await snapshot();
  const answer = await post(query, variables, authHeader);
  count(`${field}:${answer.errors?.[0]?.extensions?.code ?? "ok"}`);
  if (answer.errors?.length) {
    for (const error of answer.errors) {
      const code = error.extensions?.code;
      expect(DOCUMENTED_CODES, `${code}: ${error.message}`).toContain(code);
    }
    expect(answer.data?.[field] ?? null).toBeNull();
    expect(await snapshot()).toBe(before);
  } else {
    expect(answer.data?.[field]).toBeTruthy();
  }
  return answer;
}

// ---------------------------------------------------------------------------------------------
// Arbitraries

const CONTROL = fc.integer({ min: 0, max: 0x1f }).map((c) => String.fromCharCode(c));
const WHITESPACE = fc.constantFrom(" ", "\t", "\n", "\r\n", "\u00a0", "\u2028", "\u3000", "\ufeff");

/** Strings an admin could paste or a client could send: unicode, empty, whitespace, control characters, huge. */
const wildString: fc.Arbitrary<string> = fc.oneof(
  { weight: 3, arbitrary: fc.string({ unit: "grapheme", maxLength: 40 }) },
  fc.string({ unit: "binary", maxLength: 20 }), // NUL and lone surrogates too
  fc.string({
    unit: fc.oneof(fc.string({ unit: "grapheme", minLength: 1, maxLength: 1 }), CONTROL, WHITESPACE),
    maxLength: 30,
  }),
  fc.constantFrom(
    "",
    " ",
    "  \n\t ",
    "null",
    "undefined",
    "0",
    "ADMIN",
    "TEXT",
    "true",
    "Robert'); drop table company;--",
    "${jndi:x}",
    "<script>",
  ),
  fc.array(WHITESPACE, { minLength: 1, maxLength: 5 }).map((a) => a.join("")),
  fc
    .tuple(fc.constantFrom("a", "é", "😀", " ", "\u200b"), fc.integer({ min: 100, max: 6000 }))
    .map(([c, n]) => c.repeat(n)),
);

const wildNumber: fc.Arbitrary<number> = fc.oneof(
  fc.integer(),
  fc.integer({ min: -5, max: 200 }),
  fc.double({ noNaN: true, noDefaultInfinity: true }),
  fc.constantFrom(0, -1, 1, 100, 101, 168, 169, 2 ** 31 - 1, 2 ** 31, -(2 ** 31), 2 ** 53, 1.5, -0, 1e308, 5e-324),
);

/** Any JSON value, weighted towards the wrong types for a field (numbers for strings, objects, arrays...). */
const wildValue: fc.Arbitrary<unknown> = fc.oneof(
  { weight: 4, arbitrary: wildString },
  { weight: 2, arbitrary: wildNumber },
  fc.boolean(),
  fc.constant(null),
  fc.array(fc.oneof(fc.string({ maxLength: 4 }), fc.integer()), { maxLength: 3 }),
  fc.dictionary(fc.string({ maxLength: 6 }), fc.oneof(fc.string({ maxLength: 4 }), fc.integer()), { maxKeys: 3 }),
);

const tokenLike: fc.Arbitrary<string> = fc.oneof(
  fc.stringMatching(/^[A-Za-z0-9_.~+/=-]{1,120}$/),
  fc
    .string({ unit: "grapheme", minLength: 1, maxLength: 30 })
    .map((s) => s.replace(/\s/g, ""))
    .filter((s) => s.length > 0 && !s.includes("\u0000")),
);

/** An input field: absent (undefined, dropped by JSON), or any value. */
const maybe = <T>(arb: fc.Arbitrary<T>): fc.Arbitrary<T | undefined> => fc.option(arb, { nil: undefined, freq: 4 });

const companyArb: fc.Arbitrary<string> = fc.oneof(
  { weight: 6, arbitrary: fc.constant(HOME) },
  { weight: 2, arbitrary: fc.constant(UNCONNECTED) },
  { weight: 2, arbitrary: fc.constant(DISABLED) },
  // Valid company ids only ([A-Za-z0-9._-]{1,128}, README "Limits"): a token naming any
  // other is UNAUTHENTICATED whatever its role (the "badCompany" kind below).
  fc
    .stringMatching(/^[A-Za-z0-9._-]{1,60}$/)
    .map((s) => `rnd-${s}`)
    .filter((id) => ![HOME, UNCONNECTED, DISABLED].includes(id)),
);

/** Company ids outside the charset: spaces, bidi controls, look-alikes, NUL, too long. */
const badCompanyArb: fc.Arbitrary<string> = fc
  .oneof(
    fc.string({ unit: "grapheme", minLength: 1, maxLength: 60 }).map((s) => `rnd-${s}`),
    fc.constantFrom(
      "",
      " ",
      "spaced-co ",
      "acme\u202Eoc",
      "ac\u200Bme",
      "\u0430cme",
      "co\u0000",
      "a/b",
      "a".repeat(129),
      `${HOME} `,
      `${HOME}\u202E`,
    ),
  )
  .filter((id) => !/^[A-Za-z0-9._-]{1,128}$/.test(id));

const authArb: fc.Arbitrary<Auth> = fc.oneof(
  {
    weight: 12,
    arbitrary: fc.record({
      kind: fc.constant("token" as const),
      company: companyArb,
      role: fc.constantFrom("ADMIN" as const, "SUPPORT" as const),
    }),
  },
  fc.constant({ kind: "none" as const }),
  fc
    .oneof(
      fc.constantFrom("Bearer", "Bearer ", "Basic abc", "bearer x.y.z", "Bearer eyJhbGciOiJub25lIn0.e30."),
      fc.string({ unit: fc.integer({ min: 0x20, max: 0x7e }).map((c) => String.fromCharCode(c)), maxLength: 40 }),
    )
    .map((value) => ({ kind: "garbage" as const, value: value.trim() || "x" })),
  fc.constantFrom(HOME, UNCONNECTED).map((company) => ({ kind: "expired" as const, company })),
  fc.record({
    kind: fc.constant("badCompany" as const),
    company: badCompanyArb,
    role: fc.constantFrom("ADMIN" as const, "SUPPORT" as const),
  }),
);

// ---------------------------------------------------------------------------------------------

beforeAll(async () => {
  h = await startSyncHarness({ employees: 0, companyId: HOME });
  const support = await h.gw.token(UNCONNECTED, "SUPPORT");
  const enabled = await post("mutation { enableIntegration { status } }", {}, `Bearer ${support}`);
  expect(enabled.data).toEqual({ enableIntegration: { status: "DISCONNECTED" } });
  await touch(`Bearer ${await h.gw.token(DISABLED, "ADMIN")}`);
}, 120_000);

afterAll(async () => h?.close());

function expectReached(...outcomes: string[]): void {
  for (const outcome of outcomes)
    expect(
      reached.get(outcome) ?? 0,
      `${outcome} never reached; reached: ${JSON.stringify([...reached])}`,
    ).toBeGreaterThan(0);
}

/** After a successful disconnect of the home company, connect it again so later runs still see a connected company. */
async function reconnectHome(): Promise<void> {
  const creds = h.sim.credentials.serviceUser;
  const res = await post(
    "mutation($i: ConnectIntegrationInput!) { connectIntegration(input: $i) { status } }",
    { i: { accessToken: creds.token, serviceUserId: creds.id } },
    `Bearer ${h.admin}`,
  );
  expect(res.data).toEqual({ connectIntegration: { status: "CONNECTED" } });
}

const RUNS = 60;

describe("every mutation with random variables, roles and companies", () => {
  it("enableIntegration: SUPPORT enables, ADMIN is FORBIDDEN, nothing else", async () => {
    await fc.assert(
      fc.asyncProperty(
        authArb,
        fc.option(fc.dictionary(fc.string({ maxLength: 5 }), wildValue, { maxKeys: 2 })),
        async (auth, extraVars) => {
          // Only random companies, so DISABLED stays disabled for the other properties.
          const target =
            auth.kind === "token" && auth.company === DISABLED ? { ...auth, company: `${DISABLED}-2` } : auth;
          const answer = await check(
            "enableIntegration",
            "mutation { enableIntegration { status } }",
            extraVars,
            target,
          );
          if (target.kind === "token" && target.role === "ADMIN")
            expect(answer.errors?.[0]?.extensions?.code).toBe("FORBIDDEN");
          if (target.kind === "token" && target.role === "SUPPORT")
            expect((answer.data?.enableIntegration as { status: string }).status).not.toBe("NOT_ENABLED");
          if (target.kind !== "token") expect(answer.errors?.[0]?.extensions?.code).toBe("UNAUTHENTICATED");
        },
      ),
      { numRuns: RUNS },
    );
  });

  it("connectIntegration: random credentials are refused (BOB_INVALID_CREDENTIALS / BAD_USER_INPUT) and the stored connection is unchanged", async () => {
    await fc.assert(
      fc.asyncProperty(
        authArb,
        fc.oneof(
          { weight: 6, arbitrary: fc.record({ accessToken: maybe(wildValue), serviceUserId: maybe(wildValue) }) },
          // Token-shaped values that pass the input checks and reach Bob (the simulator answers 401).
          {
            weight: 4,
            arbitrary: fc.record(
              { accessToken: tokenLike, serviceUserId: maybe(fc.oneof(tokenLike, fc.constant(""), fc.constant(null))) },
              { requiredKeys: ["accessToken"] },
            ),
          },
          wildValue,
        ),
        async (auth, input) => {
          const answer = await check(
            "connectIntegration",
            "mutation($i: ConnectIntegrationInput!) { connectIntegration(input: $i) { status tokenHint credentialKind } }",
            { i: input },
            auth,
          );
          expect(answer.errors?.length).toBeGreaterThan(0); // no random credential is one Bob knows
          if (auth.kind === "token" && auth.role === "ADMIN" && auth.company === HOME) {
            // After a few credentials Bob refused, the company's connects are throttled (Bob's firewall blocks repeated failures).
            expect(["BOB_INVALID_CREDENTIALS", "BAD_USER_INPUT", "RATE_LIMITED"]).toContain(
              answer.errors?.[0]?.extensions?.code,
            );
          }
        },
      ),
      {
        numRuns: 100,
        // The outcomes checked below, always exercised whatever the random draw.
        examples: [
          [
            { kind: "token" as const, company: HOME, role: "ADMIN" as const },
            { accessToken: "no-such-token-0123456789" },
          ],
          [{ kind: "token" as const, company: HOME, role: "ADMIN" as const }, { accessToken: "   " }],
          [
            { kind: "token" as const, company: HOME, role: "SUPPORT" as const },
            { accessToken: "no-such-token-0123456789" },
          ],
          // Enough refusals in a row for the throttle, whatever the draw spends on other companies.
          ...Array.from(
            { length: 5 },
            () =>
              [
                { kind: "token" as const, company: HOME, role: "ADMIN" as const },
                { accessToken: "no-such-token-0123456789" },
              ] as const,
          ),
        ],
      },
    );
    expectReached(
      "connectIntegration:BOB_INVALID_CREDENTIALS",
      "connectIntegration:BAD_USER_INPUT",
      "connectIntegration:FORBIDDEN",
      "connectIntegration:RATE_LIMITED",
    );
    // The home company is still connected with the harness's credential.
    const integration = await h.gql<{ integration: { status: string; credentialKind: string } }>(
      "{ integration { status credentialKind } }",
    );
    expect(integration.integration).toEqual({ status: "CONNECTED", credentialKind: "SERVICE_USER" });
    // Two hours later (same calendar day) the throttle has let go: the next tests may reconnect.
    h.clock.set(new Date(h.clock.now().getTime() + 2 * 3_600_000));
    await reconnectHome();
  });

  it("setHookSecret: any secret is stored or refused with a documented code", async () => {
    await fc.assert(
      fc.asyncProperty(
        authArb,
        fc.oneof(
          { weight: 6, arbitrary: fc.record({ secret: wildString }) },
          { weight: 3, arbitrary: fc.record({ secret: maybe(wildValue) }) },
          wildValue,
        ),
        async (auth, input) => {
          const answer = await check(
            "setHookSecret",
            "mutation($i: SetHookSecretInput!) { setHookSecret(input: $i) { realTimeUpdates webhookUrl } }",
            { i: input },
            auth,
          );
          const secret = (input as { secret?: unknown } | null)?.secret;
          if (
            auth.kind === "token" &&
            auth.role === "ADMIN" &&
            auth.company === HOME &&
            typeof secret === "string" &&
            secret.trim() === ""
          ) {
            expect(answer.errors?.[0]?.extensions?.code).toBe("BAD_USER_INPUT");
          }
          if (!answer.errors) expect(answer.data?.setHookSecret).toMatchObject({ realTimeUpdates: true });
        },
      ),
      {
        numRuns: RUNS,
        examples: [
          [{ kind: "token" as const, company: HOME, role: "ADMIN" as const }, { secret: "a-hook-secret" }],
          [{ kind: "token" as const, company: HOME, role: "ADMIN" as const }, { secret: "" }],
          [{ kind: "token" as const, company: UNCONNECTED, role: "ADMIN" as const }, { secret: "a-hook-secret" }],
        ],
      },
    );
    expectReached("setHookSecret:ok", "setHookSecret:BAD_USER_INPUT", "setHookSecret:NOT_CONNECTED");
  });

  it("updateSyncSettings: only whole numbers in range are stored", async () => {
    await fc.assert(
      fc.asyncProperty(
        authArb,
        fc.oneof(
          {
            weight: 4,
            arbitrary: fc.record({
              deletionSafeguardPercent: maybe(fc.integer({ min: -10, max: 300 })),
              reconcileEveryHours: maybe(fc.option(fc.integer({ min: -10, max: 300 }))),
            }),
          },
          {
            weight: 4,
            arbitrary: fc.record({
              deletionSafeguardPercent: maybe(fc.oneof(wildNumber, wildValue)),
              reconcileEveryHours: maybe(fc.oneof(wildNumber, wildValue)),
            }),
          },
          wildValue,
        ),
        async (auth, input) => {
          const answer = await check(
            "updateSyncSettings",
            "mutation($i: UpdateSyncSettingsInput!) { updateSyncSettings(input: $i) { settings { deletionSafeguardPercent reconcileEveryHours } } }",
            { i: input },
            auth,
          );
          if (!answer.errors) {
            const { settings } = answer.data?.updateSyncSettings as {
              settings: { deletionSafeguardPercent: number; reconcileEveryHours: number | null };
            };
            expect(
              Number.isInteger(settings.deletionSafeguardPercent) &&
                settings.deletionSafeguardPercent >= 1 &&
                settings.deletionSafeguardPercent <= 100,
            ).toBe(true);
            if (settings.reconcileEveryHours !== null)
              expect(
                Number.isInteger(settings.reconcileEveryHours) &&
                  settings.reconcileEveryHours >= 1 &&
                  settings.reconcileEveryHours <= 168,
              ).toBe(true);
          }
        },
      ),
      {
        numRuns: 100,
        examples: [
          [{ kind: "token" as const, company: HOME, role: "ADMIN" as const }, { deletionSafeguardPercent: 30 }],
          [{ kind: "token" as const, company: HOME, role: "ADMIN" as const }, { deletionSafeguardPercent: 0 }],
          [{ kind: "token" as const, company: DISABLED, role: "ADMIN" as const }, { deletionSafeguardPercent: 30 }],
        ],
      },
    );
    expectReached(
      "updateSyncSettings:ok",
      "updateSyncSettings:BAD_USER_INPUT",
      "updateSyncSettings:FEATURE_NOT_ENABLED",
    );
  });

  it("synchronizeNow: queues a run or refuses with a documented code", async () => {
    await fc.assert(
      fc.asyncProperty(
        authArb,
        fc.oneof(
          { weight: 4, arbitrary: fc.record({ dryRun: maybe(wildValue) }) },
          { weight: 2, arbitrary: fc.record({ dryRun: fc.boolean() }) },
          wildValue,
          fc.constant(undefined),
        ),
        async (auth, input) => {
          const answer = await check(
            "synchronizeNow",
            "mutation($i: SynchronizeNowInput) { synchronizeNow(input: $i) { id status dryRun } }",
            input === undefined ? {} : { i: input },
            auth,
          );
          if (!answer.errors) {
            const run = answer.data?.synchronizeNow as { id: string; status: string };
            expect(auth).toMatchObject({ kind: "token", company: HOME, role: "ADMIN" });
            await h.waitForRun(run.id); // let it finish so the next snapshot is stable
          }
        },
      ),
      {
        numRuns: RUNS,
        examples: [
          [{ kind: "token" as const, company: HOME, role: "ADMIN" as const }, { dryRun: true }],
          [{ kind: "token" as const, company: UNCONNECTED, role: "ADMIN" as const }, undefined],
          [{ kind: "token" as const, company: HOME, role: "SUPPORT" as const }, undefined],
        ],
      },
    );
    expectReached("synchronizeNow:ok", "synchronizeNow:NOT_CONNECTED", "synchronizeNow:FORBIDDEN");
  });

  it("approveHeldSync: random ids (and other companies' runs) are NOT_FOUND or refused; nothing is requeued", async () => {
    const existing = (await sql<{ id: string }>("select id from sync_run")).map((r) => r.id);
    expect(existing.length).toBeGreaterThan(0);
    await fc.assert(
      fc.asyncProperty(
        authArb,
        fc.oneof({ weight: 2, arbitrary: fc.constantFrom(...existing) }, fc.uuid(), wildValue, fc.constant(undefined)),
        async (auth, runId) => {
          const answer = await check(
            "approveHeldSync",
            "mutation($r: ID!) { approveHeldSync(runId: $r) { id status } }",
            runId === undefined ? {} : { r: runId },
            auth,
          );
          // No run is HELD in this database: every approval fails.
          expect(answer.errors?.length).toBeGreaterThan(0);
          if (
            auth.kind === "token" &&
            auth.role === "ADMIN" &&
            auth.company !== HOME &&
            auth.company !== DISABLED &&
            typeof runId === "string" &&
            existing.includes(runId)
          ) {
            // Another company's run is indistinguishable from one that does not exist.
            expect(["NOT_FOUND", "FEATURE_NOT_ENABLED"]).toContain(answer.errors?.[0]?.extensions?.code);
          }
        },
      ),
      {
        numRuns: RUNS,
        examples: [
          [{ kind: "token" as const, company: HOME, role: "ADMIN" as const }, "00000000-0000-4000-8000-000000000000"],
          [{ kind: "none" as const }, "00000000-0000-4000-8000-000000000000"],
        ],
      },
    );
    expectReached("approveHeldSync:NOT_FOUND", "approveHeldSync:UNAUTHENTICATED");
  });

  it("createAttribute: creates a well-formed attribute or refuses with a documented code", async () => {
    await fc.assert(
      fc.asyncProperty(
        authArb,
        fc.oneof(
          {
            weight: 6,
            arbitrary: fc.record({
              name: wildString,
              type: fc.constantFrom("TEXT", "OPTION", "NUMBER", "DATE", "EMPLOYEE"),
            }),
          },
          {
            weight: 3,
            arbitrary: fc.record({
              name: maybe(wildValue),
              type: maybe(
                fc.oneof(
                  fc.constantFrom("TEXT", "OPTION", "NUMBER", "DATE", "EMPLOYEE", "text", "BOOLEAN", ""),
                  wildValue,
                ),
              ),
            }),
          },
          wildValue,
        ),
        async (auth, input) => {
          const answer = await check(
            "createAttribute",
            "mutation($i: CreateAttributeInput!) { createAttribute(input: $i) { id name type standard } }",
            { i: input },
            auth,
          );
          if (!answer.errors) {
            const attribute = answer.data?.createAttribute as { name: string; standard: boolean };
            expect(attribute.standard).toBe(false);
            expect(attribute.name).toBe(attribute.name.trim());
            expect(attribute.name.length).toBeGreaterThan(0);
          }
        },
      ),
      {
        numRuns: 100,
        examples: [
          [
            { kind: "token" as const, company: HOME, role: "ADMIN" as const },
            { name: "Shoe size (property example)", type: "TEXT" },
          ],
          [
            { kind: "token" as const, company: HOME, role: "ADMIN" as const },
            { name: "", type: "TEXT" },
          ],
        ],
      },
    );
    expectReached("createAttribute:ok", "createAttribute:BAD_USER_INPUT");
  });

  it("disconnectIntegration: disconnects or refuses with a documented code", async () => {
    await fc.assert(
      fc.asyncProperty(authArb, async (auth) => {
        const answer = await check(
          "disconnectIntegration",
          "mutation { disconnectIntegration { status realTimeUpdates } }",
          {},
          auth,
        );
        if (!answer.errors) {
          expect(answer.data?.disconnectIntegration).toMatchObject({ realTimeUpdates: false });
          if (auth.kind === "token" && auth.company === HOME) await reconnectHome();
        }
        if (auth.kind === "token" && auth.role === "SUPPORT")
          expect(answer.errors?.[0]?.extensions?.code).toBe("FORBIDDEN");
      }),
      { numRuns: 40 },
    );
    const integration = await h.gql<{ integration: { status: string } }>("{ integration { status } }");
    expect(integration.integration.status).toBe("CONNECTED");
  });
});

// ---------------------------------------------------------------------------------------------
// Inputs that once answered INTERNAL_SERVER_ERROR (found by these properties): NUL in an
// attribute name, NUL in a token's companyId.

describe("mutations, inputs the database cannot store", () => {
  it("answers BAD_USER_INPUT to createAttribute with a NUL in the name", async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.string({ maxLength: 10 }),
        fc.string({ maxLength: 10 }),
        fc.constantFrom("TEXT", "NUMBER"),
        async (a, b, type) => {
          await check(
            "createAttribute",
            "mutation($i: CreateAttributeInput!) { createAttribute(input: $i) { id name } }",
            { i: { name: `x${a}\u0000${b}`, type } },
            { kind: "token", company: HOME, role: "ADMIN" },
          );
        },
      ),
      { numRuns: 10 },
    );
  });

  it("answers UNAUTHENTICATED to a valid token whose companyId contains NUL", async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.string({ maxLength: 10 }),
        fc.constantFrom("ADMIN" as const, "SUPPORT" as const),
        async (a, role) => {
          const answer = await check(
            "enableIntegration",
            "mutation { enableIntegration { status } }",
            {},
            { kind: "badCompany", company: `co${a}\u0000`, role },
          );
          expect(answer.errors?.[0]?.extensions?.code).toBe("UNAUTHENTICATED");
        },
      ),
      { numRuns: 10 },
    );
  });
});

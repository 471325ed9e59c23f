// GraphQL under load: autocannon (child process) with 50 connections against an in-process
// gateway, whose onQuery hook counts the SQL statements each request costs.
//
// The directory queries run in four variants, side by side, so nobody mistakes one for another
// and a regression shows as a ratio to the floor measured in the same run:
//   cache hit  - the same request repeated: the gateway's read cache answers (one version read)
//   uncached   - every request carries a fresh random variable, so every one is a cache miss
//                (full execution, then kept: the cache's own cost is included)
//   floor SQL  - a bare node:http server in the same process: the same rows read with plain SQL
//                (page, count, attributes by slot, managers), the same JSON built by hand, stringified
//   floor static - a bare node:http server answering the same body from memory
// "uncached" is compared with "floor SQL", "cache hit" with "floor static".
import { spawn } from "node:child_process";
import { createServer } from "node:http";
import { isDeepStrictEqual } from "node:util";
import { fileURLToPath } from "node:url";
import pg from "pg";
import { onCleanup, table } from "./lib/common.mjs";
import { gql } from "./lib/gateway.mjs";

const WORKER = fileURLToPath(new URL("./lib/load-worker.mjs", import.meta.url));
const employees = (n) =>
  `{ employees(first: ${n}) { totalCount edges { node { bobId firstName lastName manager { bobId } attributes { attribute { name } value } } } } }`;
export const QUERIES = {
  "employees(first: 100)": employees(100),
  "employees(first: 5)": employees(5),
  syncRuns:
    "{ syncRuns(first: 20) { totalCount edges { node { id status phase queuedAt counts { fetched created updated unchanged } } } } }",
  // Bob's field metadata comes from a per-credential copy at most 60 s old (one Bob call a minute).
  fieldMappings: "{ fieldMappings { bobFieldId bobFieldName status attribute { name } } }",
};
const WARM_UP_SECONDS = 3;
const DIRECTORY = new Set(["employees(first: 100)", "employees(first: 5)"]);
export const VARIANTS = {
  hit: "cache hit (same request repeated)",
  uncached: "uncached (new variable each request)",
  floorSql: "floor: SQL + JSON, no GraphQL",
  floorStatic: "floor: static body",
};

function autocannon(options) {
  const child = spawn(process.execPath, [WORKER, JSON.stringify(options)], { stdio: ["ignore", "pipe", "inherit"] });
  const exited = new Promise((resolve) => child.once("exit", resolve));
  const kill = onCleanup(async () => {
    if (child.exitCode === null && child.signalCode === null) child.kill("SIGKILL");
    await exited;
  });
  let out = "";
  child.stdout.on("data", (d) => (out += d));
  return exited.then(async (code) => {
    await kill();
    if (code !== 0) throw new Error(`load worker exited ${code}`);
    return JSON.parse(out);
  });
}

/** A body whose unused variable makes every request distinct ([<id>] is replaced per request). */
const distinctBody = (query) => JSON.stringify({ query, variables: { nonce: "[<id>]" } });

/**
 * The floor for a page of the directory: what any server must do to answer it without a cache.
 * Plain SQL on the gateway's own database (a pg pool, or its PGlite instance), no auth, no
 * GraphQL: the page and the count, the attributes, the page's managers; the same JSON.
 */
async function startFloorServer({ gateway, companyId }) {
  const pool = gateway.db.kind === "postgres" ? new pg.Pool({ connectionString: gateway.db.url, max: 10 }) : null;
  const query = pool
    ? async (sql, params) => (await pool.query(sql, params)).rows
    : async (sql, params) => (await gateway.db.pglite.query(sql, params)).rows;
  let statements = 0;
  const collator = new Intl.Collator();
  const staticBodies = new Map(); // first -> body
  async function page(first) {
    statements += 2;
    const [rows, [count], attributes] = await Promise.all([
      query(
        "select bob_id, first_name, last_name, manager_bob_id, attributes from employee where company_id = $1 order by last_name, first_name, id limit $2",
        [companyId, first],
      ),
      query("select count(*)::int as n from employee where company_id = $1", [companyId]),
      (statements++, query("select slot::text as id, name, type from attribute where company_id = $1", [companyId])),
    ]);
    const rank = new Map(
      [...attributes]
        .sort((a, b) => collator.compare(a.name, b.name))
        .map((a, i) => [a.id, { i, name: a.name, employee: a.type === "EMPLOYEE" }]),
    );
    const valuesOf = (r) =>
      Object.entries(typeof r.attributes === "string" ? JSON.parse(r.attributes) : r.attributes)
        .filter(([id]) => rank.has(id))
        .sort(([a], [b]) => rank.get(a).i - rank.get(b).i);
    // Managers and EMPLOYEE attribute values are Bob ids: one statement finds who of them is in the directory, and their ids.
    const referenced = [
      ...new Set(
        rows
          .flatMap((r) => [
            r.manager_bob_id,
            ...valuesOf(r)
              .filter(([id]) => rank.get(id).employee)
              .map(([, v]) => v),
          ])
          .filter(Boolean),
      ),
    ];
    statements++;
    const idByBobId = new Map(
      (
        await query("select bob_id, id::text as id from employee where company_id = $1 and bob_id = any($2)", [
          companyId,
          referenced,
        ])
      ).map((r) => [r.bob_id, r.id]),
    );
    const edges = rows.map((r) => {
      const values = valuesOf(r).map(([id, value]) => ({
        attribute: { name: rank.get(id).name },
        value: rank.get(id).employee ? (idByBobId.get(value) ?? null) : value,
      }));
      return {
        node: {
          bobId: r.bob_id,
          firstName: r.first_name,
          lastName: r.last_name,
          manager: r.manager_bob_id && idByBobId.has(r.manager_bob_id) ? { bobId: r.manager_bob_id } : null,
          attributes: values,
        },
      };
    });
    return `${JSON.stringify({ data: { employees: { totalCount: count.n, edges } } })}\n`;
  }
  const server = createServer((req, res) => {
    let raw = "";
    req.setEncoding("utf8");
    req.on("data", (d) => (raw += d));
    req.on("end", async () => {
      try {
        const first = Number(/first:\s*(\d+)/.exec(JSON.parse(raw).query)?.[1] ?? 50);
        const body = req.url === "/static" ? staticBodies.get(first) : await page(first);
        res.writeHead(200, { "content-type": "application/json; charset=utf-8" }).end(body);
      } catch (error) {
        res.writeHead(500).end(String(error));
      }
    });
  });
  await new Promise((resolve) => server.listen(0, "127.0.0.1", resolve));
  const stop = onCleanup(async () => {
    await new Promise((resolve) => server.close(resolve));
    server.closeAllConnections();
    await pool?.end();
  });
  return {
    url: `http://127.0.0.1:${server.address().port}`,
    statements: () => statements,
    page,
    setStatic: (first, body) => staticBodies.set(first, body),
    stop,
  };
}

async function rawPost(url, token, body) {
  const res = await fetch(url, {
    method: "POST",
    headers: { "content-type": "application/json", ...(token ? { authorization: `Bearer ${token}` } : {}) },
    body,
  });
  return res.text();
}

/**
 * queryCount() returns the number of SQL statements the gateway has run so far; gateway and
 * companyId (the bench company's) are for the floor, which reads the same rows.
 */
export async function benchGraphql({
  url,
  token,
  queryCount,
  connections,
  durationSeconds,
  gateway,
  companyId,
  loaded = Object.keys(QUERIES),
}) {
  const floor = gateway && companyId ? await startFloorServer({ gateway, companyId }) : null;
  const rows = [];
  // SQL statements per request, sequentially. The counter also sees the gateway's background
  // statements (pg-boss polling, maintenance), which only ever add: the least of several short
  // rounds is the request's own count.
  const sqlPerRequest = async (count, send) => {
    const perRound = 3;
    const rounds = [];
    let n = 0;
    for (let r = 0; r < 7; r++) {
      const before = count();
      for (let i = 0; i < perRound; i++) await send(n++);
      rounds.push((count() - before) / perRound);
    }
    return Math.min(...rounds);
  };
  const load = async (name, target, queryCountOf) => {
    if (!loaded.includes(name)) return null;
    // Uncounted warm-up of the same load: each directory variant is measured in its steady state
    // (code optimised, pools and caches as the load leaves them), not in its first seconds. Not for
    // fieldMappings: its Bob calls spend the credential's budget, which the measured load needs.
    if (DIRECTORY.has(name))
      await autocannon({ connections, durationSeconds: Math.min(WARM_UP_SECONDS, durationSeconds), ...target });
    const q0 = queryCountOf();
    const result = await autocannon({ connections, durationSeconds, ...target });
    result.queriesPerRequest = result.requests > 0 ? (queryCountOf() - q0) / result.requests : NaN;
    return result;
  };
  try {
    for (const [name, query] of Object.entries(QUERIES)) {
      const reference = await gql(url, token, query); // warm-up, and proof it answers without errors
      if (!DIRECTORY.has(name)) {
        const queriesPerRequest = await sqlPerRequest(queryCount, () => gql(url, token, query));
        rows.push({
          name,
          variant: null,
          queriesPerRequest,
          load: await load(name, { url, token, body: JSON.stringify({ query }) }, queryCount),
        });
        continue;
      }
      // Uncached first: its keys fill the cache with other entries, never with the repeated one.
      const uncachedSql = await sqlPerRequest(queryCount, (i) => gql(url, token, query, { nonce: `sql-${i}` }));
      rows.push({
        name,
        variant: VARIANTS.uncached,
        queriesPerRequest: uncachedSql,
        load: await load(name, { url, token, body: distinctBody(query), distinct: true }, queryCount),
      });
      const hitSql = await sqlPerRequest(queryCount, () => gql(url, token, query));
      rows.push({
        name,
        variant: VARIANTS.hit,
        queriesPerRequest: hitSql,
        load: await load(name, { url, token, body: JSON.stringify({ query }) }, queryCount),
      });
      if (!floor) continue;
      const first = Number(/first:\s*(\d+)/.exec(query)[1]);
      const body = JSON.stringify({ query });
      const floorBody = await floor.page(first);
      if (!isDeepStrictEqual(JSON.parse(floorBody).data, reference))
        throw new Error(`the floor's ${name} differs from the gateway's answer`);
      floor.setStatic(first, await rawPost(`${url}/graphql`, token, body)); // the gateway's exact bytes
      const floorSql = await sqlPerRequest(floor.statements, () => rawPost(floor.url, null, body));
      rows.push({
        name,
        variant: VARIANTS.floorSql,
        queriesPerRequest: floorSql,
        load: await load(name, { url: floor.url, path: "/", body }, floor.statements),
      });
      rows.push({
        name,
        variant: VARIANTS.floorStatic,
        queriesPerRequest: 0,
        load: await load(name, { url: floor.url, path: "/static", body }, floor.statements),
      });
    }
  } finally {
    await floor?.stop();
  }
  return rows;
}

/** The Markdown report of benchGraphql's rows (results.graphql), with the ratios to the floor. */
export function graphqlReport(results, { connections, durationSeconds, apiEmployees, employeesP99Ms }) {
  const out = [
    `### GraphQL, ${connections} connections x ${durationSeconds} s, directory of ${apiEmployees} (latency in ms)`,
    "",
  ];
  const find = (db, name, variant) => results.find((g) => g.db === db && g.name === name && g.variant === variant);
  const ratio = (a, b) => (Number.isFinite(a) && Number.isFinite(b) && b > 0 ? `${(a / b).toFixed(1)}×` : "");
  const floorOf = (g) =>
    g.variant === VARIANTS.hit
      ? find(g.db, g.name, VARIANTS.floorStatic)
      : g.variant === VARIANTS.uncached
        ? find(g.db, g.name, VARIANTS.floorSql)
        : null;
  out.push(
    table(
      results.map((g) => {
        const floor = floorOf(g);
        return {
          db: g.db,
          q: g.name,
          v: g.variant ?? "",
          p50: g.load?.p50,
          p99: g.load?.p99,
          rps: g.load?.rps,
          req: g.load?.requests,
          bad: g.load ? g.load.non2xx + g.load.errors + g.load.timeouts : "",
          sql: g.queriesPerRequest,
          sqlLoad: g.load?.queriesPerRequest,
          ok:
            g.name === "employees(first: 100)" && !g.variant?.startsWith("floor")
              ? g.load?.p99 <= employeesP99Ms
                ? "yes"
                : "NO"
              : "",
          p99Ratio: floor?.load && g.load ? ratio(g.load.p99, floor.load.p99) : "",
          rpsRatio: floor?.load && g.load ? ratio(floor.load.rps, g.load.rps) : "",
        };
      }),
      [
        ["db", "db"],
        ["q", "query"],
        ["v", "variant"],
        ["p50", "p50"],
        ["p99", "p99"],
        ["ok", `p99 ≤${employeesP99Ms}`],
        ["rps", "req/s"],
        ["req", "requests"],
        ["bad", "errors"],
        ["sql", "SQL/request"],
        ["sqlLoad", "SQL/request under load (incl. background)"],
        ["p99Ratio", "p99 ÷ floor's"],
        ["rpsRatio", "floor's req/s ÷ req/s"],
      ],
    ),
  );
  out.push("");
  out.push(
    `Ratios to the floor measured in the same run: a cache hit against "${VARIANTS.floorStatic}", an uncached request against "${VARIANTS.floorSql}".`,
  );
  for (const db of new Set(results.map((g) => g.db))) {
    for (const variant of [VARIANTS.uncached, VARIANTS.hit]) {
      const per = (n) => find(db, `employees(first: ${n})`, variant)?.queriesPerRequest;
      out.push(
        `${db}: SQL statements per employees request, ${variant}, first 5 vs first 100: ${per(5)} vs ${per(100)} -> ${per(5) === per(100) ? "equal" : "NOT EQUAL"}`,
      );
    }
  }
  return out.join("\n");
}

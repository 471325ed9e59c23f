#!/usr/bin/env node
/**
 * `npm test`: builds everything (npm run build), then runs the whole suite on embedded PGlite and, when PostgreSQL is
 * reachable, again on PostgreSQL (TEST_DB switches the database). Says clearly when it skips
 * PostgreSQL; REQUIRE_POSTGRES=1 (CI) turns that skip into a failure.
 * Extra arguments go to vitest (e.g. `npm test -- test/gateway`).
 */
import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import pg from "pg";

const postgresUrl = process.env.TEST_POSTGRES_URL ?? "postgres://postgres@127.0.0.1:5432/postgres";
const extraArgs = process.argv.slice(2);
const bin = (name) => join("node_modules", ".bin", name);

function run(cmd, args, env = {}) {
  return spawnSync(cmd, args, { stdio: "inherit", env: { ...process.env, ...env } }).status ?? 1;
}

async function postgresReachable() {
  const client = new pg.Client({ connectionString: postgresUrl, connectionTimeoutMillis: 3000 });
  try {
    await client.connect();
    await client.query("select 1");
    return true;
  } catch {
    return false;
  } finally {
    await client.end().catch(() => {});
  }
}

function suite(db) {
  const out = join(mkdtempSync(join(tmpdir(), "gateway-test-")), "results.json");
  console.log(`\n=== test suite on ${db} ===`);
  const status = run(
    bin("vitest"),
    ["run", "--reporter=default", "--reporter=json", `--outputFile.json=${out}`, ...extraArgs],
    { TEST_DB: db },
  );
  let passed = 0;
  let failed = 0;
  let skipped = 0;
  const failures = [];
  try {
    const report = JSON.parse(readFileSync(out, "utf8"));
    passed = report.numPassedTests;
    // A file that failed before running any test (import error) counts as one failure.
    const brokenFiles = report.testResults.filter(
      (f) => f.status === "failed" && f.assertionResults.length === 0,
    ).length;
    failed = report.numFailedTests + brokenFiles;
    skipped = report.numPendingTests + report.numTodoTests;
    for (const file of report.testResults) {
      const name = file.name.replace(process.cwd() + "/", "");
      if (file.status === "failed" && file.assertionResults.length === 0)
        failures.push(`${name}: ${firstLine(file.message)}`);
      for (const test of file.assertionResults) {
        if (test.status === "failed")
          failures.push(`${name} > ${test.fullName}: ${firstLine(test.failureMessages?.[0])}`);
      }
    }
  } catch {
    failed = 1; // no report: the runner itself failed
  }
  if (status !== 0 && failed === 0) failed = 1;
  console.log(`${db}: ${passed} passed, ${failed} failed, ${skipped} skipped`);
  return { passed, failed, skipped, failures: failures.map((f) => `[${db}] ${f}`) };
}

/** The first line of a failure message, so the summary at the very end names what failed and why. */
function firstLine(message) {
  return (
    String(message ?? "no message")
      .split("\n")
      .find((line) => line.trim() !== "")
      ?.trim()
      .slice(0, 300) ?? "no message"
  );
}

// The whole build (server, console, CLI): process, CLI and browser tests run the built code.
if (run("npm", ["run", "--silent", "build"]) !== 0) {
  console.log("0 passed, 1 failed");
  process.exit(1);
}

const results = [suite("pglite")];
if (await postgresReachable()) {
  results.push(suite("postgres"));
} else if (process.env.REQUIRE_POSTGRES === "1") {
  console.log(
    `PostgreSQL is not reachable at ${postgresUrl.replace(/\/\/[^@]*@/, "//")} and REQUIRE_POSTGRES=1: failing.`,
  );
  results.push({ passed: 0, failed: 1, skipped: 0, failures: ["[postgres] PostgreSQL not reachable"] });
} else {
  console.log(
    `\nSKIPPED the PostgreSQL run: nothing answers at ${postgresUrl.replace(/\/\/[^@]*@/, "//")} (set TEST_POSTGRES_URL, or start PostgreSQL).`,
  );
}

// The public contract lives beside the repository (CI has it); a user's clone checks without it.
const contractPath = process.env.CONTRACT_PATH ?? join("..", "shared", "api-contract.graphql");
if (!existsSync(contractPath))
  console.log(`\nSKIPPED the public contract check: no contract at ${contractPath} (set CONTRACT_PATH).`);

const total = results.reduce(
  (a, r) => ({ passed: a.passed + r.passed, failed: a.failed + r.failed, skipped: a.skipped + r.skipped }),
  { passed: 0, failed: 0, skipped: 0 },
);
const failures = results.flatMap((r) => r.failures);
if (failures.length > 0) console.log(`\nFailed:\n${failures.map((f) => `  ${f}`).join("\n")}`);
console.log(`\n${total.passed} passed, ${total.failed} failed, ${total.skipped} skipped`);
process.exit(total.failed > 0 ? 1 : 0);

import { existsSync } from "node:fs";
import { readFile } from "node:fs/promises";
import { fileURLToPath } from "node:url";
import { buildSchema, findBreakingChanges } from "graphql";
import { describe, expect, it } from "vitest";

/**
 * The public contract (a GraphQL file kept beside the repository by the product team) must
 * be contained in our schema: no breaking change with the contract as the old schema and ours as
 * the new one.
 *
 * The one allowlist of what is not implemented yet, by the issue that builds it. The test also
 * fails when an entry is no longer needed, so the list can only shrink.
 */
const NOT_YET_IMPLEMENTED: Record<string, readonly string[]> = {
  "field visibility and honest webhook outcomes": [],
  hardening: [],
  "history, survey population, overrides, health": [],
};

const CONTRACT_PATH =
  process.env.CONTRACT_PATH ?? fileURLToPath(new URL("../../../shared/api-contract.graphql", import.meta.url));
const present = existsSync(CONTRACT_PATH);
// A user's clone has no contract beside it: the check is skipped there, and says so. CI has it.
const required = process.env.CI === "true" || process.env.REQUIRE_CONTRACT === "1";
if (!present && !required)
  console.warn(`public contract check SKIPPED: no contract at ${CONTRACT_PATH} (set CONTRACT_PATH to check one)`);

/** "Query.employees was removed." -> "Query.employees"; "Date was removed." -> "Date". */
function subjectOf(description: string): string {
  return description.split(" ")[0]?.replace(/\.$/, "") ?? description;
}

describe("the public contract", () => {
  it.runIf(required)("is present beside the repository (CI)", () => {
    expect(present, `expected the contract at ${CONTRACT_PATH} (set CONTRACT_PATH to override)`).toBe(true);
  });

  it.runIf(present)(
    "has no breaking change against our schema except the allowlisted, not yet implemented operations",
    async () => {
      const contract = buildSchema(await readFile(CONTRACT_PATH, "utf8"));
      const ours = buildSchema(await readFile(new URL("../../schema/schema.graphql", import.meta.url), "utf8"));
      const allowed = new Set(Object.values(NOT_YET_IMPLEMENTED).flat());
      const breaking = findBreakingChanges(contract, ours);
      const unexpected = breaking
        .filter((c) => !allowed.has(subjectOf(c.description)))
        .map((c) => `${c.type}: ${c.description}`);
      expect(unexpected).toEqual([]);
      const stillMissing = new Set(breaking.map((c) => subjectOf(c.description)));
      const stale = [...allowed].filter((name) => !stillMissing.has(name));
      expect(stale, "implemented now: remove these from NOT_YET_IMPLEMENTED").toEqual([]);
    },
  );
});

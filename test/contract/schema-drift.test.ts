import { readFile } from "node:fs/promises";
import { describe, expect, it } from "vitest";
import { buildGatewaySchema, printSortedSchema } from "../../src/graphql/schema.js";

describe("schema/schema.graphql", () => {
  it("is exactly the schema the code builds (run `npm run schema:emit` after changing the API)", async () => {
    const committed = await readFile(new URL("../../schema/schema.graphql", import.meta.url), "utf8");
    const fromCode = printSortedSchema(await buildGatewaySchema());
    expect(fromCode).toBe(committed);
  });
});

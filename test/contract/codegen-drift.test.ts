import { readFile } from "node:fs/promises";
import { fileURLToPath } from "node:url";
import { generate } from "@graphql-codegen/cli";
import { describe, expect, it } from "vitest";
import codegen from "../../codegen.js";

const root = fileURLToPath(new URL("../..", import.meta.url));

describe("generated GraphQL types of the CLI and the console", () => {
  it("are exactly what schema/schema.graphql and their operations generate (run `npm run codegen` after changing either)", async () => {
    // In memory, offline: the committed schema file and the *.graphql operations beside the code.
    const outputs: { filename: string; content: string }[] = await generate({ ...codegen, cwd: root }, false);
    expect(outputs.map((o) => o.filename).sort()).toEqual(Object.keys(codegen.generates).sort());
    for (const output of outputs) {
      const committed = await readFile(new URL(`../../${output.filename}`, import.meta.url), "utf8");
      expect(output.content, output.filename).toBe(committed);
    }
  });
});

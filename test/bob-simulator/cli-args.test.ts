import { describe, expect, it } from "vitest";
import { parseCliArgs } from "../../simulator/cli-args.js";

describe("simulator CLI flags", () => {
  it("parses employees, port, seed, host and today", () => {
    expect(
      parseCliArgs(["--employees", "500", "--port=4011", "--seed", "9", "--host", "0.0.0.0", "--today", "2026-03-01"]),
    ).toEqual({
      employees: 500,
      port: 4011,
      seed: 9,
      host: "0.0.0.0",
      today: "2026-03-01",
    });
    expect(parseCliArgs([])).toEqual({ port: 4010 });
  });

  it("rejects unknown flags and bad numbers", () => {
    expect(() => parseCliArgs(["--employees", "many"])).toThrow(/non-negative integer/);
    expect(() => parseCliArgs(["--wat"])).toThrow(/Unknown argument/);
  });
});

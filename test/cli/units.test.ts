import { describe, expect, it } from "vitest";
import { EXIT, normalizeBaseUrl, type GatewayClient } from "../../src/cli/client.js";
import { sync } from "../../src/cli/commands/sync.js";
import type { CliFlags, CommandContext } from "../../src/cli/context.js";
import { keyValues, table } from "../../src/cli/format.js";
import { ProgressBar, renderProgress } from "../../src/cli/progress-bar.js";

const counts = { fetched: 10, created: 0, updated: 0, deleted: 0, unchanged: 0, skipped: 0 };

/** A gateway that queues a run, reports its progress and ends it with `status`. */
function fakeClient(status: string, phase: string, error: string | null): GatewayClient {
  const run = {
    id: "run-1",
    status,
    phase,
    dryRun: false,
    trigger: "MANUAL",
    queuedAt: "2026-06-15T12:00:00Z",
    startedAt: null,
    finishedAt: null,
    error,
    counts,
    issues: [],
    changes: [],
  };
  return {
    baseUrl: "http://gw",
    graphqlUrl: "http://gw/graphql",
    async request<T>(query: string): Promise<T> {
      if (query.includes("synchronizeNow"))
        return { synchronizeNow: { ...run, status: "QUEUED", phase: "QUEUED" } } as T;
      return { syncRun: run } as T;
    },
    async subscribe<T>(
      _q: string,
      _v: Record<string, unknown>,
      onEvent: (d: T) => void,
      until?: (d: T) => boolean,
    ): Promise<T | null> {
      for (const p of [
        { phase: "FETCHING", status: "RUNNING" },
        { phase, status },
      ]) {
        const data = { syncProgress: { runId: "run-1", processed: 0, total: null, counts, ...p } } as T;
        onEvent(data);
        if (until?.(data)) return data;
      }
      return null;
    },
    close: async () => undefined,
  };
}

function context(client: GatewayClient): { ctx: CommandContext; out: string[]; err: string[] } {
  const out: string[] = [];
  const err: string[] = [];
  const flags: CliFlags = { json: false, "dry-run": false, wait: true };
  return {
    ctx: {
      client,
      flags,
      args: [],
      out: (t) => out.push(t),
      err: (t) => err.push(t),
      progress: { write: (t: string) => err.push(t) },
    },
    out,
    err,
  };
}

describe("CLI building blocks", () => {
  it("sync --wait exits 4 for a FAILED run and 5 for a HELD one", async () => {
    const failed = context(fakeClient("FAILED", "DONE", "Bob answered 503"));
    expect(await sync(failed.ctx)).toBe(EXIT.RUN_FAILED);
    expect(failed.err.join("")).toContain("Sync run run-1 FAILED: Bob answered 503");
    const held = context(fakeClient("HELD", "PLANNING", null));
    expect(await sync(held.ctx)).toBe(EXIT.RUN_HELD);
    expect(held.err.join("")).toContain("bob-gateway approve run-1");
    const done = context(fakeClient("SUCCEEDED", "DONE", null));
    expect(await sync(done.ctx)).toBe(EXIT.OK);
    expect(done.out.join("\n")).toMatch(/Sync run-1: SUCCEEDED/);
  });

  it("draws processed/total while applying and the phase otherwise", () => {
    expect(renderProgress({ phase: "APPLYING", status: "RUNNING", processed: 50, total: 200 }, 20)).toBe(
      "[#####...............]  25%  50/200  APPLYING",
    );
    expect(renderProgress({ phase: "FETCHING", status: "RUNNING", processed: 0, total: null }, 10)).toMatch(
      /^\[\.{10}\]\s+FETCHING$/,
    );
    const tty: string[] = [];
    const bar = new ProgressBar({ isTTY: true, columns: 80, write: (t: string) => tty.push(t) });
    bar.update({ phase: "APPLYING", status: "RUNNING", processed: 1, total: 2 });
    bar.update({ phase: "APPLYING", status: "RUNNING", processed: 1, total: 2 }); // unchanged: not redrawn
    bar.done();
    expect(tty).toHaveLength(2);
    expect(tty[0]).toMatch(/^\r\x1b\[2K\[/);
    expect(tty[1]).toBe("\n");
  });

  it("aligns table columns and key/value blocks", () => {
    const text = table(
      [
        { a: "x", n: 5 },
        { a: "longer", n: 123 },
      ],
      [
        { header: "NAME", value: (r) => r.a },
        { header: "N", value: (r) => r.n, align: "right" },
      ],
    );
    expect(text.split("\n")).toEqual(["NAME      N", "------  ---", "x         5", "longer  123"]);
    expect(
      keyValues([
        ["a", null],
        ["long key", true],
      ]),
    ).toBe("a:         -\nlong key:  yes");
  });

  it("accepts the gateway URL with or without /graphql", () => {
    expect(normalizeBaseUrl("http://localhost:4000/")).toBe("http://localhost:4000");
    expect(normalizeBaseUrl("http://localhost:4000/graphql")).toBe("http://localhost:4000");
    expect(() => normalizeBaseUrl("localhost:4000")).toThrow(/--url/);
  });
});

import { afterAll, describe, expect, it } from "vitest";
import { startDemo, type Demo } from "../../simulator/demo.js";
import { within } from "../support/deferred.js";
import { parseJson, requireBuiltCli, runCli } from "./run-cli.js";

/** `npm run demo`'s start-up, in-process: simulator + gateway on in-memory PGlite, enabled, connected, first sync. */
describe("npm run demo", () => {
  let demo: Demo | undefined;
  afterAll(async () => demo?.stop());

  it("prints the console URL with the admin token, and the first sync reaches DONE", async () => {
    demo = await startDemo({ port: 0, employees: 150, logLevel: "silent" });
    const port = demo.gateway.port;
    expect(port).toBeGreaterThan(0);
    expect(demo.url).toBe(`http://localhost:${port}`);
    expect(demo.consoleUrl).toBe(`http://localhost:${port}/#token=${demo.adminToken}`);
    expect(demo.banner).toContain(`Console:        ${demo.consoleUrl}\n`);
    expect(demo.banner).toContain(`GraphQL:        http://localhost:${port}/graphql`);
    expect(demo.banner).toContain(demo.supportToken);
    expect(demo.banner).toContain(
      `npx bob-gateway sync --wait --url http://localhost:${port} --token ${demo.adminToken}`,
    );
    expect(demo.banner).toContain(demo.simulator.controlUrl);

    const phases: string[] = [];
    const run = await within(
      demo.waitForFirstSync((p) => phases.push(p.phase)),
      60_000,
      "the demo's first sync",
    );
    expect(run.id).toBe(demo.firstRunId);
    expect(run.phase).toBe("DONE");
    expect(run.status).toMatch(/SUCCEEDED|PARTIAL/);
    expect(run.counts.fetched).toBe(150);
    expect(run.counts.created).toBeGreaterThan(140);
    expect(phases.at(-1)).toBe("DONE");

    // The printed CLI example works against the demo.
    requireBuiltCli();
    const status = parseJson<{ integration: { status: string; credentialKind: string } }>(
      await runCli(["status", "--json", "--url", demo.url, "--token", demo.adminToken]),
    );
    expect(status.integration).toMatchObject({ status: "CONNECTED", credentialKind: "SERVICE_USER" });

    await demo.stop();
    await demo.stop(); // twice is fine
    await expect(fetch(`${demo.url}/healthz`)).rejects.toThrow();
    await expect(fetch(`${demo.simulator.controlUrl}/info`)).rejects.toThrow();
  });
});

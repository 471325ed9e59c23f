import { describe, expect, it } from "vitest";
import { TEST_DB } from "../support/test-database.js";
import { startTestGateway } from "../support/test-gateway.js";

describe("/healthz and /readyz", () => {
  it("answers 200 on both once started", async () => {
    const gw = await startTestGateway();
    const health = await fetch(`${gw.url}/healthz`);
    expect(health.status).toBe(200);
    expect(await health.json()).toEqual({ status: "ok" });
    const ready = await fetch(`${gw.url}/readyz`);
    expect(ready.status).toBe(200);
    expect(ready.headers.get("x-request-id")).toBeTruthy();
  });

  it("turns /readyz to 503 when the database is gone, while /healthz stays 200", async () => {
    const gw = await startTestGateway();
    await gw.breakDatabase();
    const ready = await fetch(`${gw.url}/readyz`);
    expect(ready.status).toBe(503);
    const body = (await ready.json()) as { status: string; reason: string };
    expect(body).toEqual({ status: "unavailable", reason: "database unreachable" });
    expect((await fetch(`${gw.url}/healthz`)).status).toBe(200);
  });

  it.runIf(TEST_DB === "postgres")("turns /readyz back to 200 when PostgreSQL accepts connections again", async () => {
    const gw = await startTestGateway();
    await gw.breakDatabase();
    expect((await fetch(`${gw.url}/readyz`)).status).toBe(503);
    await gw.restoreDatabase();
    expect((await fetch(`${gw.url}/readyz`)).status).toBe(200);
  });
});

import { describe, expect, it } from "vitest";
import { startTestGateway, type TestGateway } from "../support/test-gateway.js";

/** An unexpected failure with SQL in its message: exactly what must never reach a client. */
async function dropTables(gw: TestGateway): Promise<void> {
  const connection = gw.gateway.db.em().getConnection();
  await connection.execute('drop table "attribute" cascade');
  await connection.execute('drop table "company" cascade');
}

describe("unexpected errors", () => {
  it("are masked for the client and logged with the request id", async () => {
    const gw = await startTestGateway();
    const token = await gw.token("masked-co");
    expect((await gw.gql("{ integration { status } }", {}, token)).errors).toBeUndefined();

    await dropTables(gw); // every query now fails deep inside the ORM
    const res = await fetch(`${gw.url}/graphql`, {
      method: "POST",
      headers: { "content-type": "application/json", authorization: `Bearer ${token}`, "x-request-id": "req-12345" },
      body: JSON.stringify({ query: "{ integration { status } }" }),
    });
    const text = await res.text();
    const body = JSON.parse(text) as { errors: { message: string; extensions: Record<string, unknown> }[] };
    expect(body.errors[0]?.extensions).toEqual({ code: "INTERNAL_SERVER_ERROR" });
    expect(body.errors[0]?.message).toMatch(/Internal server error/);
    expect(text).not.toMatch(/select|relation|company\b|pglite|postgres|stack|at .*\.js/i);
    expect(res.headers.get("x-request-id")).toBe("req-12345");

    const logged = gw.logs
      .map((l) => JSON.parse(l) as { requestId?: string; msg: string; err?: { stack?: string } })
      .find((l) => l.requestId === "req-12345");
    expect(logged?.msg).toBe("unexpected GraphQL error");
    expect(logged?.err?.stack).toBeTruthy();
  });

  it("are masked when they happen while authenticating a new company", async () => {
    const gw = await startTestGateway();
    await dropTables(gw);
    const res = await gw.gql("{ integration { status } }", {}, await gw.token("never-seen-co"));
    expect(res.errors?.[0]?.extensions?.code).toBe("INTERNAL_SERVER_ERROR");
    expect(JSON.stringify(res)).not.toMatch(/select|pglite|insert|stack/i);
  });
});

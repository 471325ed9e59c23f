import { beforeAll, describe, expect, it } from "vitest";
import { startTestGateway, type TestGateway } from "../support/test-gateway.js";

type Attr = { id: string; name: string; type: string; standard: boolean };

describe("attributes", () => {
  let gw: TestGateway;
  let admin: string;
  const list = async (): Promise<Attr[]> =>
    (await gw.gql<{ attributes: Attr[] }>("{ attributes { id name type standard } }", {}, admin)).data?.attributes ??
    [];
  const create = (name: string, type = "TEXT") =>
    gw.gql<{ createAttribute: Attr }>(
      "mutation($name: String!, $type: AttributeType!) { createAttribute(input: { name: $name, type: $type }) { id name type standard } }",
      { name, type },
      admin,
    );

  beforeAll(async () => {
    gw = await startTestGateway();
    await gw.gql("mutation { enableIntegration { status } }", {}, await gw.token("attr-co", "SUPPORT"));
    admin = await gw.token("attr-co", "ADMIN");
  });

  it("starts every company with Peakon's standard attributes and their types", async () => {
    const byName = Object.fromEntries((await list()).map((a) => [a.name, a]));
    const expected: Record<string, string> = {
      "First name": "TEXT",
      "Last name": "TEXT",
      Email: "TEXT",
      "Employee ID": "TEXT",
      Manager: "EMPLOYEE",
      Age: "DATE",
      Gender: "OPTION",
      Title: "OPTION",
      Tenure: "DATE",
      Office: "OPTION",
      Department: "OPTION",
      Type: "OPTION",
      "Separation date": "DATE",
      "Separation reason": "OPTION",
    };
    for (const [name, type] of Object.entries(expected)) {
      expect(byName[name], name).toMatchObject({ type, standard: true });
    }
    expect(Object.keys(byName)).toHaveLength(Object.keys(expected).length);
  });

  it("creates a custom attribute, trimmed", async () => {
    const res = await create("  Cost   center ", "OPTION");
    expect(res.errors).toBeUndefined();
    expect(res.data?.createAttribute).toMatchObject({ name: "Cost center", type: "OPTION", standard: false });
    expect((await list()).filter((a) => a.name === "Cost center")).toHaveLength(1);
  });

  it.each([
    ["empty", ""],
    ["whitespace only", "   \t "],
    ["over 128 characters", "x".repeat(129)],
    ["a duplicate of a custom one, other case and spacing", " COST  CENTER"],
    ["a duplicate of a standard one", "department"],
  ])("rejects a name that is %s with BAD_USER_INPUT and stores nothing", async (_what, name) => {
    const before = await list();
    const res = await create(name);
    expect(res.errors?.[0]?.extensions?.code).toBe("BAD_USER_INPUT");
    expect(res.data ?? null).toBeNull();
    expect(await list()).toEqual(before);
  });

  it("accepts exactly 128 characters", async () => {
    const res = await create("y".repeat(128), "NUMBER");
    expect(res.data?.createAttribute.name).toHaveLength(128);
  });

  it("rejects an unknown type at the GraphQL boundary", async () => {
    const res = await create("Shoe size", "SHOE");
    expect(res.errors?.[0]?.extensions?.code).toBe("BAD_USER_INPUT");
    expect((await list()).map((a) => a.name)).not.toContain("Shoe size");
  });

  it("is refused to SUPPORT", async () => {
    const res = await gw.gql(
      'mutation { createAttribute(input: { name: "Support made", type: TEXT }) { id } }',
      {},
      await gw.token("attr-co", "SUPPORT"),
    );
    expect(res.errors?.[0]?.extensions?.code).toBe("FORBIDDEN");
  });
});

/** The SSRF rules of notification URLs (domain/notifications/notification-target.ts) and the send-time address check. */
import { describe, expect, it } from "vitest";
import { isForbiddenAddress, notificationUrlProblem } from "../../src/domain/notifications/notification-target.js";
import {
  checkedAddresses,
  pinnedLookup,
  RefusedTargetError,
  type Resolver,
} from "../../src/notifications/target-addresses.js";

describe("isForbiddenAddress", () => {
  it.each([
    "0.0.0.0",
    "0.1.2.3",
    "127.0.0.1",
    "127.255.255.254",
    "10.0.0.1",
    "10.255.255.255",
    "172.16.0.1",
    "172.31.255.255",
    "192.168.0.1",
    "192.168.255.255",
    "169.254.169.254",
    "169.254.0.1",
    "100.64.0.1",
    "100.127.255.255",
    "224.0.0.1",
    "239.255.255.255",
    "255.255.255.255",
    "240.0.0.1",
    "192.0.2.1",
    "198.18.0.1",
    "::",
    "::1",
    "0:0:0:0:0:0:0:1",
    "::ffff:127.0.0.1",
    "::ffff:7f00:1",
    "::ffff:10.0.0.1",
    "::ffff:192.168.1.1",
    "::ffff:169.254.169.254",
    "::127.0.0.1",
    "fc00::1",
    "fd12:3456:789a::1",
    "fe80::1",
    "fe80::1%eth0",
    "febf::1",
    "ff02::1",
    "64:ff9b::10.0.0.1",
    "2002:0a00:0001::1",
    "2001:db8::1",
  ])("refuses %s", (address) => {
    expect(isForbiddenAddress(address)).toBe(true);
  });

  it.each([
    "8.8.8.8",
    "1.1.1.1",
    "172.15.255.255",
    "172.32.0.1",
    "192.169.0.1",
    "100.63.255.255",
    "100.128.0.1",
    "169.253.255.255",
    "11.0.0.1",
    "2606:4700:4700::1111",
    "2001:4860:4860::8888",
    "::ffff:8.8.8.8",
    "64:ff9b::8.8.8.8",
  ])("accepts %s", (address) => {
    expect(isForbiddenAddress(address)).toBe(false);
  });

  it("fails closed on what is not an address", () => {
    for (const bad of [
      "",
      "localhost",
      "1.2.3",
      "1.2.3.4.5",
      "256.1.1.1",
      "01.2.3.4",
      "1::2::3",
      "gggg::1",
      "1:2:3:4:5:6:7:8:9",
    ])
      expect(isForbiddenAddress(bad)).toBe(true);
  });
});

describe("notificationUrlProblem", () => {
  const dev = { production: false };
  const prod = { production: true };

  it("accepts public https URLs everywhere and http outside production", () => {
    expect(notificationUrlProblem("https://hooks.example.com/peakon?team=1", prod)).toBeNull();
    expect(notificationUrlProblem("https://8.8.8.8/hook", prod)).toBeNull();
    expect(notificationUrlProblem("https://[2606:4700:4700::1111]/hook", prod)).toBeNull();
    expect(notificationUrlProblem("http://hooks.example.com/peakon", dev)).toBeNull();
  });

  it("refuses http in production, other schemes, garbage, credentials and overlong URLs", () => {
    expect(notificationUrlProblem("http://hooks.example.com/peakon", prod)).toMatch(/https/);
    expect(notificationUrlProblem("ftp://hooks.example.com/", dev)).toMatch(/https/);
    expect(notificationUrlProblem("javascript:alert(1)", dev)).toMatch(/https/);
    expect(notificationUrlProblem("not a url", dev)).toMatch(/absolute URL/);
    expect(notificationUrlProblem("/relative/path", dev)).toMatch(/absolute URL/);
    expect(notificationUrlProblem("https://user:pw@hooks.example.com/", dev)).toMatch(/user name/);
    expect(notificationUrlProblem(`https://hooks.example.com/${"a".repeat(2000)}`, dev)).toMatch(/2000 characters/);
  });

  it.each([
    "http://localhost/",
    "http://LOCALHOST:8080/x",
    "http://api.localhost/",
    "http://localhost./",
    "http://127.0.0.1/",
    "http://127.1/",
    "http://2130706433/",
    "http://0x7f.0.0.1/",
    "http://0.0.0.0:80/",
    "http://10.0.0.8/",
    "http://172.20.1.1/",
    "http://192.168.1.10/",
    "http://169.254.169.254/latest/meta-data/",
    "http://100.100.100.200/",
    "http://[::1]/",
    "http://[::]/",
    "http://[::ffff:127.0.0.1]/",
    "http://[::ffff:169.254.169.254]/",
    "http://[fd00::1]/",
    "http://[fe80::1]/",
    "http://224.0.0.1/",
  ])("refuses the internal target %s", (url) => {
    expect(notificationUrlProblem(url, dev)).not.toBeNull();
  });
});

describe("the send-time address check (DNS rebinding)", () => {
  const resolver =
    (answers: Record<string, string[]>): Resolver =>
    async (host) =>
      (answers[host] ?? []).map((address) => ({ address, family: address.includes(":") ? 6 : 4 }));

  it("refuses a public name that resolves to an internal address, even one among public ones", async () => {
    const resolve = resolver({
      "rebind.example": ["10.0.0.5"],
      "mixed.example": ["8.8.8.8", "127.0.0.1"],
      "v6.example": ["::ffff:192.168.0.1"],
    });
    for (const host of ["rebind.example", "mixed.example", "v6.example"])
      await expect(checkedAddresses(host, resolve, new Set())).rejects.toBeInstanceOf(RefusedTargetError);
  });

  it("accepts public addresses and the explicitly allowed internal ones (tests' receivers)", async () => {
    const resolve = resolver({ "hooks.example": ["8.8.8.8", "2606:4700:4700::1111"], "receiver.test": ["127.0.0.1"] });
    expect((await checkedAddresses("hooks.example", resolve, new Set())).map((a) => a.address)).toEqual([
      "8.8.8.8",
      "2606:4700:4700::1111",
    ]);
    await expect(checkedAddresses("receiver.test", resolve, new Set())).rejects.toBeInstanceOf(RefusedTargetError);
    expect(await checkedAddresses("receiver.test", resolve, new Set(["127.0.0.1"]))).toEqual([
      { address: "127.0.0.1", family: 4 },
    ]);
  });

  it("checks IP literals without resolving them, and fails (to retry) when a name does not resolve", async () => {
    const never: Resolver = async () => {
      throw new Error("must not resolve a literal");
    };
    await expect(checkedAddresses("10.1.1.1", never, new Set())).rejects.toBeInstanceOf(RefusedTargetError);
    expect(await checkedAddresses("8.8.4.4", never, new Set())).toEqual([{ address: "8.8.4.4", family: 4 }]);
    await expect(checkedAddresses("nowhere.example", resolver({}), new Set())).rejects.toThrow(/did not resolve/);
  });

  it("connects only to the checked addresses (the lookup answers with them, never resolving again)", async () => {
    const lookup = pinnedLookup([
      { address: "8.8.8.8", family: 4 },
      { address: "2606:4700:4700::1111", family: 6 },
    ]);
    const one = await new Promise<[string, number]>((resolve) =>
      lookup("hooks.example", { family: 6 }, (_e, address, family) => resolve([address as string, family as number])),
    );
    expect(one).toEqual(["2606:4700:4700::1111", 6]);
    const all = await new Promise<unknown>((resolve) =>
      lookup("hooks.example", { all: true }, (_e, addresses) => resolve(addresses)),
    );
    expect(all).toEqual([
      { address: "8.8.8.8", family: 4 },
      { address: "2606:4700:4700::1111", family: 6 },
    ]);
  });
});

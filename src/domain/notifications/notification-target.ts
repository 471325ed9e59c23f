/**
 * Where a notification may go (no SSRF): pure checks, used when an admin sets the URL and again
 * at send time on every address the host resolves to (a public name that later resolves to an
 * internal address — DNS rebinding — is refused then).
 */

export const MAX_NOTIFICATION_URL_LENGTH = 2000;

export interface NotificationUrlRules {
  /** Production accepts https only; elsewhere http is allowed too (local receivers while developing). */
  readonly production: boolean;
}

/** What is wrong with `raw` as a notification URL, in plain words; null when it is acceptable. */
export function notificationUrlProblem(raw: string, rules: NotificationUrlRules): string | null {
  if (raw.length > MAX_NOTIFICATION_URL_LENGTH)
    return `notificationUrl must be at most ${MAX_NOTIFICATION_URL_LENGTH} characters.`;
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    return "notificationUrl must be an absolute URL such as https://hooks.example.com/peakon.";
  }
  const allowed = rules.production ? ["https:"] : ["https:", "http:"];
  if (!allowed.includes(url.protocol))
    return rules.production
      ? "notificationUrl must be an https:// URL."
      : "notificationUrl must be an https:// (or, outside production, http://) URL.";
  // Credentials in the URL would be stored and shown in clear; the signature authenticates instead.
  if (url.username !== "" || url.password !== "") return "notificationUrl must not contain a user name or password.";
  const host = url.hostname.replace(/\.$/, "").toLowerCase();
  if (host === "") return "notificationUrl must name a host.";
  if (host === "localhost" || host.endsWith(".localhost"))
    return "notificationUrl must not point to this machine (localhost).";
  // WHATWG URL parsing already normalised odd IPv4 spellings (2130706433, 0x7f.1) to dotted form.
  const literal = host.startsWith("[") ? host.slice(1, -1) : host;
  if (parseIp(literal) !== null && isForbiddenAddress(literal)) {
    return "notificationUrl must not point to a loopback, link-local, private or otherwise internal address.";
  }
  return null;
}

/** The host of a notification URL as a resolver wants it (no IPv6 brackets). */
export function hostOf(url: string): string {
  const host = new URL(url).hostname;
  return host.startsWith("[") ? host.slice(1, -1) : host;
}

type ParsedIp = { readonly v: 4; readonly n: number } | { readonly v: 6; readonly groups: readonly number[] };

/**
 * True for any address a notification must never reach: unspecified, loopback, private (RFC 1918,
 * fc00::/7), carrier-grade NAT, link-local, multicast, reserved and documentation ranges, and
 * IPv6 forms that embed such an IPv4 address (IPv4-mapped, IPv4-compatible, NAT64, 6to4).
 * Anything that does not parse as an IP address counts as forbidden (fail closed).
 */
export function isForbiddenAddress(address: string): boolean {
  const ip = parseIp(address);
  if (ip === null) return true;
  return ip.v === 4 ? forbiddenV4(ip.n) : forbiddenV6(ip.groups);
}

const V4_FORBIDDEN: readonly (readonly [string, number])[] = [
  ["0.0.0.0", 8], // "this network", incl. 0.0.0.0
  ["10.0.0.0", 8],
  ["100.64.0.0", 10], // carrier-grade NAT
  ["127.0.0.0", 8],
  ["169.254.0.0", 16], // link-local (cloud metadata services live here)
  ["172.16.0.0", 12],
  ["192.0.0.0", 24], // IETF protocol assignments
  ["192.0.2.0", 24], // documentation
  ["192.168.0.0", 16],
  ["198.18.0.0", 15], // benchmarking
  ["198.51.100.0", 24],
  ["203.0.113.0", 24],
  ["224.0.0.0", 4], // multicast
  ["240.0.0.0", 4], // reserved, incl. broadcast
];

const V4_RANGES = V4_FORBIDDEN.map(([base, bits]) => ({
  base: (parseV4(base) as number) >>> 0,
  mask: bits === 0 ? 0 : (~0 << (32 - bits)) >>> 0,
}));

function forbiddenV4(n: number): boolean {
  return V4_RANGES.some((r) => (n & r.mask) >>> 0 === r.base);
}

function forbiddenV6(g: readonly number[]): boolean {
  const [g0 = 0, g1 = 0, g2 = 0, g3 = 0, g4 = 0, g5 = 0, g6 = 0, g7 = 0] = g;
  const tailV4 = ((g6 << 16) | g7) >>> 0;
  const zeroTo = (k: number) => g.slice(0, k).every((x) => x === 0);
  if (zeroTo(8)) return true; // ::
  if (zeroTo(7) && g7 === 1) return true; // ::1
  if (zeroTo(5) && g5 === 0xffff) return forbiddenV4(tailV4); // ::ffff:a.b.c.d (IPv4-mapped)
  if (zeroTo(6)) return true; // ::a.b.c.d (IPv4-compatible, deprecated): never a public target
  if (g0 === 0x64 && g1 === 0xff9b && g2 === 0 && g3 === 0 && g4 === 0 && g5 === 0) return forbiddenV4(tailV4); // NAT64
  if (g0 === 0x2002) return forbiddenV4(((g1 << 16) | g2) >>> 0); // 6to4
  if ((g0 & 0xfe00) === 0xfc00) return true; // fc00::/7 unique local
  if ((g0 & 0xffc0) === 0xfe80) return true; // fe80::/10 link-local
  if ((g0 & 0xffc0) === 0xfec0) return true; // fec0::/10 site-local (deprecated)
  if ((g0 & 0xff00) === 0xff00) return true; // multicast
  if (g0 === 0x2001 && g1 === 0x0db8) return true; // documentation
  if (g0 === 0x0100 && g1 === 0 && g2 === 0 && g3 === 0) return true; // discard-only
  return false;
}

function parseIp(address: string): ParsedIp | null {
  const v4 = parseV4(address);
  if (v4 !== null) return { v: 4, n: v4 };
  const v6 = parseV6(address);
  return v6 === null ? null : { v: 6, groups: v6 };
}

/** Strict dotted-quad only: resolvers and URL parsing hand over this form. */
function parseV4(s: string): number | null {
  const parts = s.split(".");
  if (parts.length !== 4) return null;
  let n = 0;
  for (const part of parts) {
    if (!/^(0|[1-9][0-9]{0,2})$/.test(part)) return null;
    const b = Number(part);
    if (b > 255) return null;
    n = n * 256 + b;
  }
  return n >>> 0;
}

function parseV6(input: string): number[] | null {
  const s = input.split("%")[0] as string; // a zone id (fe80::1%eth0) does not change the range
  if (!/^[0-9a-fA-F:.]+$/.test(s) || !s.includes(":")) return null;
  const halves = s.split("::");
  if (halves.length > 2) return null;
  const groupsOf = (part: string): number[] | null => {
    if (part === "") return [];
    const out: number[] = [];
    const items = part.split(":");
    for (let i = 0; i < items.length; i++) {
      const item = items[i] as string;
      if (item.includes(".")) {
        if (i !== items.length - 1) return null;
        const v4 = parseV4(item);
        if (v4 === null) return null;
        out.push(v4 >>> 16, v4 & 0xffff);
      } else {
        if (!/^[0-9a-fA-F]{1,4}$/.test(item)) return null;
        out.push(parseInt(item, 16));
      }
    }
    return out;
  };
  const head = groupsOf(halves[0] as string);
  const tail = halves.length === 2 ? groupsOf(halves[1] as string) : [];
  if (head === null || tail === null) return null;
  if (halves.length === 1) return head.length === 8 ? head : null;
  const missing = 8 - head.length - tail.length;
  if (missing < 1) return null;
  return [...head, ...new Array<number>(missing).fill(0), ...tail];
}

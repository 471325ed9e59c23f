import { lookup as dnsLookup } from "node:dns/promises";
import type { LookupFunction } from "node:net";
import { isIP } from "node:net";
import { isForbiddenAddress } from "../domain/notifications/notification-target.js";

export interface ResolvedAddress {
  readonly address: string;
  readonly family: number;
}

/** Every address a host name resolves to (injectable: tests resolve their receiver's name to 127.0.0.1). */
export type Resolver = (host: string) => Promise<readonly ResolvedAddress[]>;

export const systemResolver: Resolver = (host) => dnsLookup(host, { all: true, verbatim: true });

/** The target resolved to an internal address: never retried, never sent. */
export class RefusedTargetError extends Error {
  override name = "RefusedTargetError";
}

/**
 * The addresses a notification may connect to: all of the host's, when none of them is internal
 * (one internal address among public ones is refused too: the connection could pick it).
 * `allowed` lists internal addresses accepted anyway (tests' local receivers; never by default).
 */
export async function checkedAddresses(
  host: string,
  resolve: Resolver,
  allowed: ReadonlySet<string>,
): Promise<ResolvedAddress[]> {
  const family = isIP(host);
  const addresses = family !== 0 ? [{ address: host, family }] : [...(await resolve(host))];
  if (addresses.length === 0) throw new Error(`${host} did not resolve`);
  if (addresses.some((a) => isForbiddenAddress(a.address) && !allowed.has(a.address))) {
    throw new RefusedTargetError(
      "the notification host resolves to a loopback, link-local, private or otherwise internal address",
    );
  }
  return addresses;
}

/**
 * A lookup for http(s).request that answers with the checked addresses only: the connection goes
 * exactly where the check looked, with no second resolution an attacker's DNS could answer
 * differently (DNS rebinding).
 */
export function pinnedLookup(addresses: readonly ResolvedAddress[]): LookupFunction {
  return (_hostname, options, callback) => {
    const wanted =
      options.family === 4 || options.family === 6
        ? addresses.filter((a) => a.family === options.family)
        : [...addresses];
    const usable = wanted.length > 0 ? wanted : [...addresses];
    if (options.all) {
      (callback as unknown as (err: null, all: ResolvedAddress[]) => void)(null, usable);
    } else {
      const first = usable[0] as ResolvedAddress;
      callback(null, first.address, first.family);
    }
  };
}

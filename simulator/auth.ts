/**
 * Credentials the simulated Bob knows, and how a request's Authorization header maps to one.
 * Legacy access tokens are the raw header value (Bob's documented form); "Bearer <token>" is
 * accepted too because it is unconfirmed whether Bob tolerated it and clients send it.
 * Service users are HTTP Basic base64("<id>:<token>").
 */
import type { BobScope } from "./types.js";

export const ALL_SCOPES: readonly BobScope[] = ["Full employee read", "Employee fields read"];

export type CredentialInput = (
  { kind: "ACCESS_TOKEN"; token: string } | { kind: "SERVICE_USER"; id: string; token: string }
) & {
  scopes: BobScope[];
  /** Categories (e.g. "personal") this credential may not see: their fields are silently omitted. */
  hiddenCategories?: string[];
  /** The company this credential reads (Bob credentials belong to one company); default the first company. */
  companyId?: number;
};

export type CredentialKind = "ACCESS_TOKEN" | "SERVICE_USER";

export interface ResolvedCredential {
  kind: CredentialKind;
  /** Stable key for rate limiting: one budget per credential. */
  key: string;
  /** Names the credential in the request log without revealing it: a service user's id, or "token…<last 4>". */
  label: string;
  scopes: ReadonlySet<BobScope>;
  hiddenCategories: ReadonlySet<string>;
  /** The only company whose people, fields and lists this credential sees. */
  companyId: number;
}

export class CredentialStore {
  private readonly byKey = new Map<string, ResolvedCredential>();

  add(c: CredentialInput & { companyId: number }): void {
    const key = c.kind === "ACCESS_TOKEN" ? `token:${c.token}` : `su:${c.id}:${c.token}`;
    this.byKey.set(key, {
      kind: c.kind,
      key,
      label: c.kind === "SERVICE_USER" ? c.id : `token…${c.token.slice(-4)}`,
      scopes: new Set(c.scopes),
      hiddenCategories: new Set(c.hiddenCategories ?? []),
      companyId: c.companyId,
    });
  }

  /** As when a Bob admin deletes the service user or revokes the token: from now on it is answered 401. */
  revoke(c: { kind: "ACCESS_TOKEN"; token: string } | { kind: "SERVICE_USER"; id: string; token: string }): boolean {
    return this.byKey.delete(c.kind === "ACCESS_TOKEN" ? `token:${c.token}` : `su:${c.id}:${c.token}`);
  }

  has(c: { kind: "ACCESS_TOKEN"; token: string } | { kind: "SERVICE_USER"; id: string; token: string }): boolean {
    return this.byKey.has(c.kind === "ACCESS_TOKEN" ? `token:${c.token}` : `su:${c.id}:${c.token}`);
  }

  /** null = no credential or one Bob does not know (answer 401). */
  resolve(header: string | undefined): ResolvedCredential | null {
    const value = header?.trim();
    if (!value) return null;
    const basic = /^Basic\s+(.+)$/i.exec(value);
    if (basic) {
      const decoded = Buffer.from(basic[1]!, "base64").toString("utf8");
      const colon = decoded.indexOf(":");
      if (colon < 0) return null;
      return this.byKey.get(`su:${decoded.slice(0, colon)}:${decoded.slice(colon + 1)}`) ?? null;
    }
    const bearer = /^Bearer\s+(.+)$/i.exec(value);
    return this.byKey.get(`token:${bearer ? bearer[1]! : value}`) ?? null;
  }
}

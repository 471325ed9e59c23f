/** Every /v1 API call the simulator saw, so tests can assert on call counts and retries. */
import type { CredentialKind } from "./auth.js";

export interface RequestLogEntry {
  method: string;
  /** Path without the query string, e.g. "/v1/people/search". */
  path: string;
  /** 0 = no answer (hang or refused connection). */
  status: number;
  credentialKind: CredentialKind | null;
  /** Which credential (a service user's id, or "token…<last 4>"); null when none was recognised. */
  credentialId: string | null;
  /** The company the credential belongs to; null when none was recognised. */
  companyId: number | null;
  /** Epoch milliseconds. */
  at: number;
}

export type RequestFilter = Partial<Omit<RequestLogEntry, "at">> | ((e: RequestLogEntry) => boolean);

export interface RequestLog {
  readonly entries: readonly RequestLogEntry[];
  count(filter?: RequestFilter): number;
  clear(): void;
}

export class MemoryRequestLog implements RequestLog {
  private list: RequestLogEntry[] = [];

  get entries(): readonly RequestLogEntry[] {
    return this.list;
  }

  add(e: RequestLogEntry): void {
    this.list.push(e);
  }

  count(filter?: RequestFilter): number {
    if (filter === undefined) return this.list.length;
    if (typeof filter === "function") return this.list.filter(filter).length;
    const keys = Object.entries(filter) as [keyof RequestLogEntry, unknown][];
    return this.list.filter((e) => keys.every(([k, v]) => e[k] === v)).length;
  }

  clear(): void {
    this.list = [];
  }
}

import { DomainError } from "./errors.js";

/** ADMIN: a company administrator. SUPPORT: internal customer-success tooling. */
export const ROLES = ["ADMIN", "SUPPORT"] as const;
export type Role = (typeof ROLES)[number];

/** Who is asking, already authenticated by a transport. Every use case acts on `companyId` only. */
export interface Caller {
  readonly subject: string;
  readonly companyId: string;
  readonly role: Role;
}

export function requireRole(caller: Caller, role: Role, action: string): void {
  if (caller.role !== role) {
    throw new DomainError("FORBIDDEN", `Only ${role} may ${action}.`);
  }
}

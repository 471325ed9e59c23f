import { randomBytes } from "node:crypto";
import { requireRole, type Caller } from "../caller.js";
import { DomainError, badInput } from "../errors.js";
import type { Clock } from "../ports/clock.js";
import type { CompanyStore } from "../ports/company-store.js";
import { notificationUrlProblem } from "../notifications/notification-target.js";
import { ianaTimeZone, MAX_TIME_ZONE_LENGTH } from "../mapping/lifecycle.js";
import { integrationView, type IntegrationRecord, type IntegrationView, type SyncSettings } from "./integration.js";

export interface SyncSettingsChange {
  readonly deletionSafeguardPercent?: number | null | undefined;
  readonly reconcileEveryHours?: number | null | undefined;
  readonly timeZone?: string | null | undefined;
  /** "" (or null) turns notifications off. */
  readonly notificationUrl?: string | null | undefined;
}

export interface SettingsRules {
  /** Production accepts https notification URLs only. */
  readonly production: boolean;
}

/** Admin actions are refused until internal support enabled the integration. */
export function requireEnabled(record: IntegrationRecord): void {
  if (!record.enabled) {
    throw new DomainError(
      "FEATURE_NOT_ENABLED",
      "The Bob integration is not enabled for this company yet. Ask your Peakon Customer Success Manager to enable it.",
    );
  }
}

export class IntegrationService {
  constructor(
    private readonly companies: CompanyStore,
    private readonly clock: Clock,
    private readonly publicUrl: string,
    private readonly rules: SettingsRules = { production: false },
  ) {}

  async get(caller: Caller): Promise<IntegrationView> {
    return integrationView(await this.companies.getIntegration(caller.companyId), this.publicUrl);
  }

  async enable(caller: Caller): Promise<IntegrationView> {
    requireRole(caller, "SUPPORT", "enable the Bob integration");
    return integrationView(await this.companies.enableIntegration(caller.companyId, this.clock.now()), this.publicUrl);
  }

  async updateSettings(caller: Caller, change: SyncSettingsChange): Promise<IntegrationView> {
    requireRole(caller, "ADMIN", "change sync settings");
    const record = await this.companies.getIntegration(caller.companyId);
    requireEnabled(record);
    const next = mergeSettings(record.settings, change, this.rules);
    // A new URL gets a new signing secret (32 random bytes), shown in this answer only; turning
    // notifications off forgets it. Setting the same URL again keeps it (to rotate: "" then the URL).
    const secret =
      next.notificationUrl !== null && next.notificationUrl !== record.settings.notificationUrl
        ? randomBytes(32).toString("base64url")
        : null;
    const saved = await this.companies.updateSettings(caller.companyId, next, secret);
    return { ...integrationView(saved, this.publicUrl), notificationSecret: secret };
  }
}

/** Absent fields keep their value; reconcileEveryHours: null turns reconciliation off. */
export function mergeSettings(
  current: SyncSettings,
  change: SyncSettingsChange,
  rules: SettingsRules = { production: true },
): SyncSettings {
  let { deletionSafeguardPercent, reconcileEveryHours, timeZone, notificationUrl } = current;
  if (change.deletionSafeguardPercent !== undefined) {
    const p = change.deletionSafeguardPercent;
    if (p === null || !Number.isInteger(p) || p < 1 || p > 100) {
      throw badInput("deletionSafeguardPercent must be a whole number from 1 to 100.", "deletionSafeguardPercent");
    }
    deletionSafeguardPercent = p;
  }
  if (change.reconcileEveryHours !== undefined) {
    const h = change.reconcileEveryHours;
    if (h !== null && (!Number.isInteger(h) || h < 1 || h > 168)) {
      throw badInput(
        "reconcileEveryHours must be a whole number from 1 to 168, or null to turn it off.",
        "reconcileEveryHours",
      );
    }
    reconcileEveryHours = h;
  }
  if (change.timeZone !== undefined) {
    const zone = typeof change.timeZone === "string" ? ianaTimeZone(change.timeZone) : null;
    if (zone === null) {
      const given =
        typeof change.timeZone === "string" && change.timeZone.length <= MAX_TIME_ZONE_LENGTH
          ? ` ${JSON.stringify(change.timeZone)} is not one.`
          : "";
      throw badInput(
        `timeZone must be an IANA time zone name such as "UTC" or "Europe/Copenhagen", at most ${MAX_TIME_ZONE_LENGTH} characters.${given}`,
        "timeZone",
      );
    }
    timeZone = zone;
  }
  if (change.notificationUrl !== undefined) {
    const url = change.notificationUrl === null ? "" : change.notificationUrl.trim();
    const problem = url === "" ? null : notificationUrlProblem(url, rules);
    if (problem !== null) throw badInput(problem, "notificationUrl");
    notificationUrl = url === "" ? null : url;
  }
  return { deletionSafeguardPercent, reconcileEveryHours, timeZone, notificationUrl };
}

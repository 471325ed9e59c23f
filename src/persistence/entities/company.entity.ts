import { defineEntity, p } from "@mikro-orm/core";

/**
 * A Peakon company, created the first time a valid token names it. It also carries the Bob
 * integration's switch and sync settings: one row per company, so reads stay one lookup.
 */
export const CompanySchema = defineEntity({
  name: "Company",
  tableName: "company",
  properties: {
    id: p.string().length(128).primary(),
    createdAt: p.datetime().onCreate(() => new Date()),
    integrationEnabled: p.boolean().default(false),
    integrationEnabledAt: p.datetime().nullable(),
    deletionSafeguardPercent: p.integer().default(20),
    reconcileEveryHours: p.integer().nullable(),
    /** IANA zone whose calendar day is the company's "today" (surveyability, tenure). */
    timeZone: p.string().length(64).default("UTC"),
    /** Where signed notifications go (domain/notifications); null: none. */
    notificationUrl: p.string().length(2048).nullable(),
    /** The notifications' HMAC key, sealed like the Bob secrets; set with the URL, shown once. */
    notificationSecretCiphertext: p.text().nullable(),
    notificationSecretKeyId: p.string().length(32).nullable(),
  },
});

export class Company extends CompanySchema.class {}
CompanySchema.setClass(Company);

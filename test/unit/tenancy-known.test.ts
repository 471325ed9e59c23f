import { describe, expect, it } from "vitest";
import type { CompanyStore } from "../../src/domain/ports/company-store.js";
import { KNOWN_COMPANIES, TenancyService } from "../../src/domain/tenancy/tenancy-service.js";

describe("TenancyService's companies known to exist", () => {
  it("asks the store once per company, remembers at most KNOWN_COMPANIES, and learns a forgotten one again", async () => {
    const asked: string[] = [];
    const store = { ensureCompany: async (companyId: string) => void asked.push(companyId) } as unknown as CompanyStore;
    const tenancy = new TenancyService(store);
    for (let i = 0; i <= KNOWN_COMPANIES; i++) await tenancy.ensureCompany(`co-${i}`);
    await tenancy.ensureCompany(`co-${KNOWN_COMPANIES}`);
    expect(asked).toHaveLength(KNOWN_COMPANIES + 1);
    expect(tenancy.knownCount).toBe(KNOWN_COMPANIES);
    // The first one was forgotten: one more (idempotent) insert.
    await tenancy.ensureCompany("co-0");
    expect(asked).toHaveLength(KNOWN_COMPANIES + 2);
    expect(tenancy.knownCount).toBe(KNOWN_COMPANIES);
  });
});

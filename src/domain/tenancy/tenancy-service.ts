import { STANDARD_ATTRIBUTES } from "../attributes/standard-attributes.js";
import { badInput } from "../errors.js";
import type { CompanyStore } from "../ports/company-store.js";

export const MAX_COMPANY_ID_LENGTH = 128;
/** Companies remembered as existing; past it the longest-known is forgotten (one idempotent insert learns it again). */
export const KNOWN_COMPANIES = 10_000;

/**
 * A company exists from the first valid token that names it. The set of companies known to
 * exist is remembered in-process so the common case costs no query, up to KNOWN_COMPANIES.
 */
export class TenancyService {
  private readonly known = new Set<string>();
  private readonly pending = new Map<string, Promise<void>>();

  constructor(private readonly companies: CompanyStore) {}

  static validCompanyId(companyId: string): boolean {
    return companyId.length > 0 && companyId.length <= MAX_COMPANY_ID_LENGTH && companyId.trim() === companyId;
  }

  /** Companies remembered now (for tests and the architecture's cache list). */
  get knownCount(): number {
    return this.known.size;
  }

  async ensureCompany(companyId: string): Promise<void> {
    if (this.known.has(companyId)) return;
    if (!TenancyService.validCompanyId(companyId))
      throw badInput("companyId must be 1 to 128 characters without surrounding spaces.");
    let creating = this.pending.get(companyId);
    if (!creating) {
      creating = this.companies.ensureCompany(companyId, STANDARD_ATTRIBUTES).then(() => {
        this.known.add(companyId);
        if (this.known.size > KNOWN_COMPANIES) this.known.delete(this.known.values().next().value as string);
      });
      this.pending.set(companyId, creating);
      void creating.catch(() => undefined).finally(() => this.pending.delete(companyId));
    }
    await creating;
  }
}

import type { Caller } from "../caller.js";
import { pageSize } from "../paging.js";
import type { Clock } from "../ports/clock.js";
import type { CompanyStore } from "../ports/company-store.js";
import type { DirectoryEmployee, DirectoryPerson, DirectoryStore, EmployeePage } from "../ports/directory-store.js";
import { todayIn, type Lifecycle } from "../mapping/lifecycle.js";

/** The reads of the Peakon directory as the sync keeps it: pages of employees, one employee, and the company's day. */
export class DirectoryService {
  constructor(
    private readonly deps: {
      readonly companies: CompanyStore;
      readonly directory: DirectoryStore;
      readonly clock: Clock;
    },
  ) {}

  /** The company's calendar day (YYYY-MM-DD) in its time zone: lifecycles are derived against it. */
  async today(companyId: string): Promise<string> {
    const { settings } = await this.deps.companies.getIntegration(companyId);
    return todayIn(settings.timeZone, this.deps.clock.now());
  }

  async employees(
    caller: Caller,
    query: { first?: number | null; after?: string | null; lifecycle?: readonly Lifecycle[] | null },
  ): Promise<EmployeePage> {
    // The company's today is read only for a lifecycle filter: an unfiltered page needs no day.
    const lifecycles =
      query.lifecycle && query.lifecycle.length > 0
        ? { lifecycles: query.lifecycle, today: await this.today(caller.companyId) }
        : null;
    return this.deps.directory.page(caller.companyId, {
      first: pageSize(query.first, 50),
      after: query.after ?? null,
      lifecycles,
    });
  }

  async employee(caller: Caller, bobId: string): Promise<DirectoryEmployee | null> {
    const [found] = await this.deps.directory.byBobIds(caller.companyId, [bobId]);
    return found ?? null;
  }

  employeesByBobIds(caller: Caller, bobIds: readonly string[]): Promise<DirectoryEmployee[]> {
    return this.deps.directory.byBobIds(caller.companyId, bobIds);
  }

  peopleByBobIds(caller: Caller, bobIds: readonly string[]): Promise<DirectoryPerson[]> {
    return this.deps.directory.peopleByBobIds(caller.companyId, bobIds);
  }
}

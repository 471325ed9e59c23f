/**
 * The companies one simulated Bob hosts. Bob is multi-tenant behind one base URL: a credential
 * belongs to one company and only ever sees that company. Each company here has its own people,
 * fields, lists and webhook subscribers; its people are generated on first use, so a fleet of
 * thousands of companies starts in milliseconds and only the companies actually read cost memory.
 * Under a people budget, companies only ever read through /v1 are dropped least recently used
 * first and generated again when next read: generation is deterministic, so nobody can tell.
 */
import { Company, type CompanyControl } from "./company.js";
import { generateCompany } from "./generator.js";
import { WebhookSender, type WebhookOptions } from "./webhooks.js";

export interface TenantSpec {
  companyId: number;
  seed: number;
  employees: number;
  /** The generator's today (the simulator's start-up today). */
  today: string;
  webhooks?: Partial<WebhookOptions>;
}

export class Tenant {
  readonly webhooks: WebhookSender;
  /** Same methods as the Company, but nothing is generated until one is called. */
  readonly control: CompanyControl;
  private generated: Company | null = null;
  /** Reached through control (a mutation may follow): never dropped from then on. */
  private pinned = false;

  constructor(readonly spec: TenantSpec) {
    this.webhooks = new WebhookSender(() => spec.companyId, spec.webhooks);
    this.control = lazyControl(this);
  }

  get companyId(): number {
    return this.spec.companyId;
  }

  get isGenerated(): boolean {
    return this.generated !== null;
  }

  get isPinned(): boolean {
    return this.pinned;
  }

  /** The company's state for control and mutations: generated on first access, then kept. */
  get company(): Company {
    this.pinned = true;
    return this.read();
  }

  /** The company's state for /v1 reads, which change nothing: the company may be dropped later. */
  read(): Company {
    if (this.generated === null) {
      const { seed, employees, today, companyId } = this.spec;
      const company = new Company(generateCompany({ seed, employees, today, companyId }), today);
      company.setEventSink((events) => this.webhooks.companyEvents(events));
      this.generated = company;
    }
    return this.generated;
  }

  /** Forgets the people of an unpinned company (they come back identical on the next read). */
  drop(): boolean {
    if (this.pinned || this.generated === null) return false;
    this.generated = null;
    return true;
  }
}

/**
 * Keeps the people of companies read only through /v1 under a budget, dropping the least recently
 * read first. The company being read is never dropped, even alone over the budget; a company
 * pinned after it was first read leaves the budget when its turn comes, but is kept.
 */
export class GeneratedBudget {
  private readonly recent = new Map<Tenant, number>();
  private resident = 0;

  constructor(private readonly maxPeople: number) {}

  read(t: Tenant): Company {
    if (t.isPinned || this.maxPeople === Infinity) return t.read();
    const company = t.read();
    let size = this.recent.get(t);
    if (size === undefined) {
      size = company.size;
      this.resident += size;
    } else {
      this.recent.delete(t); // re-inserted below as the most recent
    }
    this.recent.set(t, size);
    for (const [old, oldSize] of this.recent) {
      if (this.resident <= this.maxPeople || old === t) break;
      this.recent.delete(old);
      this.resident -= oldSize;
      old.drop();
    }
    return company;
  }
}

function lazyControl(t: Tenant): CompanyControl {
  return {
    companyId: t.companyId,
    get scenarios() {
      return t.company.scenarios;
    },
    today: () => t.company.today(),
    setToday: (date) => t.company.setToday(date),
    employees: () => t.company.employees(),
    employee: (id) => t.company.employee(id),
    createEmployee: (values, opts) => t.company.createEmployee(values, opts),
    updateEmployee: (id, values, opts) => t.company.updateEmployee(id, values, opts),
    terminateEmployee: (id, input, opts) => t.company.terminateEmployee(id, input, opts),
    reinstateEmployee: (id, input, opts) => t.company.reinstateEmployee(id, input, opts),
    deleteEmployee: (id, opts) => t.company.deleteEmployee(id, opts),
    fields: () => t.company.fields(),
    createField: (input) => t.company.createField(input),
    deleteField: (fieldId) => t.company.deleteField(fieldId),
    namedLists: () => t.company.namedLists(),
    addListItem: (listName, input) => t.company.addListItem(listName, input),
  };
}

import type { MappingOverride } from "../mapping/mapping-override.js";

/** Why a write was refused by the database itself (two admins racing, an attribute just deleted). */
export type OverrideWriteOutcome = "stored" | "target-taken" | "attribute-missing";

/** The admins' field-mapping overrides (setFieldMapping), per company. */
export interface MappingOverrideStore {
  list(companyId: string): Promise<MappingOverride[]>;
  /**
   * Stores `override` in place of the field's previous one, in one transaction that also drops the
   * overrides of `staleFieldIds` (fields Bob no longer lists, which would otherwise keep holding
   * their attribute). "target-taken": another field's override already feeds the attribute.
   */
  replace(
    companyId: string,
    override: MappingOverride,
    staleFieldIds: readonly string[],
  ): Promise<OverrideWriteOutcome>;
  /** Returns whether there was one. */
  clear(companyId: string, bobFieldId: string): Promise<boolean>;
}

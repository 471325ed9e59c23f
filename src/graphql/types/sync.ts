import { Field, ID, InputType, Int, ObjectType, registerEnumType } from "type-graphql";
import { DateTimeScalar } from "../scalars.js";
import { Attribute } from "./attribute.js";

export enum MappingStatus {
  STANDARD = "STANDARD",
  COMPATIBLE = "COMPATIBLE",
  TYPE_MISMATCH = "TYPE_MISMATCH",
  NO_MATCHING_ATTRIBUTE = "NO_MATCHING_ATTRIBUTE",
  AMBIGUOUS = "AMBIGUOUS",
  OVERRIDDEN = "OVERRIDDEN",
}
registerEnumType(MappingStatus, {
  name: "MappingStatus",
  valuesConfig: {
    STANDARD: { description: "One of the standard Peakon <- Bob mappings." },
    COMPATIBLE: { description: "Custom: an attribute of the same name and a compatible type." },
    TYPE_MISMATCH: { description: "Custom: same name, incompatible type." },
    NO_MATCHING_ATTRIBUTE: { description: "Custom: no Peakon attribute of that name." },
    AMBIGUOUS: { description: "Two or more Bob fields share the name." },
    OVERRIDDEN: { description: "An admin mapped this field explicitly (attribute null: excluded)." },
  },
});

export enum SyncTrigger {
  MANUAL = "MANUAL",
  SCHEDULED = "SCHEDULED",
}
registerEnumType(SyncTrigger, { name: "SyncTrigger" });

export enum SyncRunStatus {
  QUEUED = "QUEUED",
  RUNNING = "RUNNING",
  SUCCEEDED = "SUCCEEDED",
  PARTIAL = "PARTIAL",
  FAILED = "FAILED",
  HELD = "HELD",
}
registerEnumType(SyncRunStatus, {
  name: "SyncRunStatus",
  valuesConfig: {
    SUCCEEDED: { description: "Every employee applied." },
    PARTIAL: { description: "Finished; some employees had issues and were skipped." },
    FAILED: { description: "Stopped; nothing deleted unless the fetch was complete." },
    HELD: { description: "Planned, waiting for approveHeldSync (deletion safeguard)." },
  },
});

export enum SyncPhase {
  QUEUED = "QUEUED",
  FETCHING = "FETCHING",
  PLANNING = "PLANNING",
  APPLYING = "APPLYING",
  DONE = "DONE",
}
registerEnumType(SyncPhase, { name: "SyncPhase" });

export enum ChangeAction {
  CREATE = "CREATE",
  UPDATE = "UPDATE",
  DELETE = "DELETE",
}
registerEnumType(ChangeAction, { name: "ChangeAction" });

@ObjectType({ description: "How one Bob field maps to Peakon, or why it does not.", simpleResolvers: true })
export class FieldMapping {
  @Field(() => String) bobFieldId!: string;
  @Field(() => String) bobFieldName!: string;
  @Field(() => String) bobFieldType!: string;
  @Field(() => Attribute, { nullable: true }) attribute!: Attribute | null;
  @Field(() => MappingStatus) status!: MappingStatus;
  @Field(() => String, { nullable: true, description: "Plain words for every status but STANDARD and COMPATIBLE." })
  reason!: string | null;
}

@InputType()
export class SetFieldMappingInput {
  @Field(() => String) bobFieldId!: string;
  @Field(() => ID, { nullable: true, description: "Null: this Bob field is never synced." }) attributeId?:
    string | null;
}

@ObjectType({ simpleResolvers: true })
export class SyncCounts {
  @Field(() => Int) fetched!: number;
  @Field(() => Int) created!: number;
  @Field(() => Int) updated!: number;
  @Field(() => Int) deleted!: number;
  @Field(() => Int) unchanged!: number;
  @Field(() => Int) skipped!: number;
  @Field(() => Int, {
    description:
      "Employees this run changed although real-time updates were on when it started (0 otherwise): changes the webhooks missed.",
  })
  driftRepaired!: number;
}

@ObjectType({ description: "A problem with one employee; it never stops the others.", simpleResolvers: true })
export class SyncIssue {
  @Field(() => String, { nullable: true }) bobEmployeeId!: string | null;
  @Field(() => String, { nullable: true }) email!: string | null;
  @Field(() => String, {
    description:
      "MISSING_NAME, DUPLICATE_EMAIL, DUPLICATE_EMPLOYEE_ID, MANAGER_NOT_FOUND, REPORTING_CYCLE, VALUE_REJECTED, INVALID_RECORD, FIELD_NOT_VISIBLE (bobEmployeeId null)",
  })
  code!: string;
  @Field(() => String) message!: string;
}

@ObjectType({ simpleResolvers: true })
export class EmployeeChange {
  @Field(() => ChangeAction) action!: ChangeAction;
  @Field(() => String) bobEmployeeId!: string;
  @Field(() => String, { nullable: true }) email!: string | null;
  @Field(() => [String], { description: "Peakon attribute names that change (empty for DELETE)." }) fields!: string[];
}

@ObjectType({ description: "One full sync or dry run.", simpleResolvers: true })
export class SyncRun {
  @Field(() => ID) id!: string;
  @Field(() => SyncTrigger) trigger!: SyncTrigger;
  @Field(() => Boolean) dryRun!: boolean;
  @Field(() => SyncRunStatus) status!: SyncRunStatus;
  @Field(() => SyncPhase) phase!: SyncPhase;
  @Field(() => DateTimeScalar) queuedAt!: Date;
  @Field(() => DateTimeScalar, { nullable: true }) startedAt!: Date | null;
  @Field(() => DateTimeScalar, { nullable: true }) finishedAt!: Date | null;
  @Field(() => SyncCounts) counts!: SyncCounts;
  @Field(() => String, { nullable: true }) error!: string | null;
}

@ObjectType({ simpleResolvers: true })
export class PageInfo {
  @Field(() => Boolean) hasNextPage!: boolean;
  @Field(() => String, { nullable: true }) endCursor!: string | null;
}

@ObjectType({ simpleResolvers: true })
export class SyncRunEdge {
  @Field(() => String) cursor!: string;
  @Field(() => SyncRun) node!: SyncRun;
}

@ObjectType({ simpleResolvers: true })
export class SyncRunConnection {
  @Field(() => [SyncRunEdge]) edges!: SyncRunEdge[];
  @Field(() => PageInfo) pageInfo!: PageInfo;
  @Field(() => Int) totalCount!: number;
}

@ObjectType({ description: "Live progress of a sync run.", simpleResolvers: true })
export class SyncProgress {
  @Field(() => ID) runId!: string;
  @Field(() => SyncRunStatus) status!: SyncRunStatus;
  @Field(() => SyncPhase) phase!: SyncPhase;
  @Field(() => Int) processed!: number;
  @Field(() => Int, { nullable: true }) total!: number | null;
  @Field(() => SyncCounts) counts!: SyncCounts;
}

@InputType()
export class SynchronizeNowInput {
  @Field(() => Boolean, {
    nullable: true,
    defaultValue: false,
    description: "Plan only: counts and changes visible, nothing written.",
  })
  dryRun?: boolean | null;
}

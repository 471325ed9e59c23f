import { Field, ID, Int, ObjectType, registerEnumType } from "type-graphql";
import { DateTimeScalar } from "../scalars.js";
import { ChangeAction, PageInfo } from "./sync.js";

export enum ChangeCause {
  FULL_SYNC = "FULL_SYNC",
  SCHEDULED_SYNC = "SCHEDULED_SYNC",
  APPROVED_SYNC = "APPROVED_SYNC",
  WEBHOOK = "WEBHOOK",
}
registerEnumType(ChangeCause, {
  name: "ChangeCause",
  valuesConfig: {
    FULL_SYNC: { description: "A manual full sync." },
    SCHEDULED_SYNC: { description: "A reconciliation run." },
    APPROVED_SYNC: { description: "A HELD run an admin approved." },
    WEBHOOK: { description: "A webhook delivery's application." },
  },
});

@ObjectType({ simpleResolvers: true })
export class FieldChange {
  @Field(() => String, { description: "The Peakon attribute (or employee field) name." }) name!: string;
  @Field(() => String, { nullable: true }) before!: string | null;
  @Field(() => String, { nullable: true }) after!: string | null;
}

@ObjectType({ description: "One change the gateway applied to an employee, with its cause.", simpleResolvers: true })
export class EmployeeHistoryEntry {
  @Field(() => DateTimeScalar) at!: Date;
  @Field(() => ChangeAction) action!: ChangeAction;
  @Field(() => ChangeCause) cause!: ChangeCause;
  @Field(() => ID, { nullable: true }) runId!: string | null;
  @Field(() => ID, { nullable: true }) deliveryId!: string | null;
  @Field(() => [FieldChange], {
    description: "Each changed value; a CREATE lists the values it set, a DELETE the values it removed.",
  })
  fields!: FieldChange[];
}

@ObjectType({ simpleResolvers: true })
export class EmployeeHistoryEdge {
  @Field(() => String) cursor!: string;
  @Field(() => EmployeeHistoryEntry) node!: EmployeeHistoryEntry;
}

@ObjectType({ simpleResolvers: true })
export class EmployeeHistoryConnection {
  @Field(() => [EmployeeHistoryEdge]) edges!: EmployeeHistoryEdge[];
  @Field(() => PageInfo) pageInfo!: PageInfo;
  @Field(() => Int) totalCount!: number;
}

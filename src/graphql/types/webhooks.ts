import { Field, ID, InputType, Int, ObjectType, registerEnumType } from "type-graphql";
import { DateTimeScalar } from "../scalars.js";
import { PageInfo, SyncIssue } from "./sync.js";

export enum WebhookDeliveryStatus {
  ACCEPTED = "ACCEPTED",
  APPLIED = "APPLIED",
  IGNORED = "IGNORED",
  FAILED = "FAILED",
  SKIPPED = "SKIPPED",
}
registerEnumType(WebhookDeliveryStatus, {
  name: "WebhookDeliveryStatus",
  valuesConfig: {
    ACCEPTED: { description: "Verified and stored, not yet applied." },
    APPLIED: { description: "Applied to the directory." },
    IGNORED: { description: "Verified, nothing to do (table entries, unknown event type, duplicate)." },
    FAILED: { description: "Applying failed after retries; error says why." },
    SKIPPED: { description: "Verified, but its employee could not be applied: issues say why." },
  },
});

@InputType()
export class SetHookSecretInput {
  @Field(() => String, { description: "The secret Bob shows for the webhook subscriber (at most 1 KiB)." })
  secret!: string;
}

@ObjectType({ description: "What arrived on the webhook URL and what became of it.", simpleResolvers: true })
export class WebhookDelivery {
  @Field(() => ID) id!: string;
  @Field(() => DateTimeScalar) receivedAt!: Date;
  @Field(() => String) eventType!: string;
  @Field(() => String, { nullable: true }) bobEmployeeId!: string | null;
  @Field(() => WebhookDeliveryStatus) status!: WebhookDeliveryStatus;
  @Field(() => String, { nullable: true }) error!: string | null;
  @Field(() => [SyncIssue], {
    description: "Why its employee was skipped, or what of it was not applied (a value, a manager link).",
  })
  issues!: SyncIssue[];
}

@ObjectType({ simpleResolvers: true })
export class WebhookDeliveryEdge {
  @Field(() => String) cursor!: string;
  @Field(() => WebhookDelivery) node!: WebhookDelivery;
}

@ObjectType({ simpleResolvers: true })
export class WebhookDeliveryConnection {
  @Field(() => [WebhookDeliveryEdge]) edges!: WebhookDeliveryEdge[];
  @Field(() => PageInfo) pageInfo!: PageInfo;
  @Field(() => Int) totalCount!: number;
}

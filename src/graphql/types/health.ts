import { Field, Int, ObjectType } from "type-graphql";
import { DateTimeScalar } from "../scalars.js";

@ObjectType({
  description: "Whether the sync is alive: what an admin or an operator checks first.",
  simpleResolvers: true,
})
export class IntegrationHealth {
  @Field(() => DateTimeScalar, {
    nullable: true,
    description: "When the last full sync (not a dry run) ended SUCCEEDED or PARTIAL.",
  })
  lastSuccessfulSyncAt!: Date | null;

  @Field(() => DateTimeScalar, { nullable: true, description: "When Bob's last webhook delivery arrived." })
  lastDeliveryAt!: Date | null;

  @Field(() => Int)
  deliveriesLast24h!: number;

  @Field(() => Int, {
    description: "Deliveries of the last 24 hours that ended FAILED (a full sync repairs their employees).",
  })
  failedDeliveriesLast24h!: number;

  @Field(() => Int, {
    description:
      "Employees full syncs had to change in the last 7 days although real-time updates were on when they started: changes the webhooks missed.",
  })
  driftRepairedLast7Days!: number;

  @Field(() => String, {
    nullable: true,
    description: "Why Bob refused the stored credential (status NEEDS_RECONNECT); null while it works.",
  })
  needsReconnectReason!: string | null;
}

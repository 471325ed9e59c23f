import { defineEntity, p } from "@mikro-orm/core";

/**
 * One Bob rate-limit lane ("credential|endpoint") shared by every replica on PostgreSQL: the start
 * times (epoch ms) of the calls in the rolling window, a hold-off after a 429, and which call took
 * the last slot. Read and written by one statement per call (stores/shared-rate-window.ts).
 */
export const BobRateLaneSchema = defineEntity({
  name: "BobRateLane",
  tableName: "bob_rate_lane",
  properties: {
    key: p.string().length(200).primary(),
    stamps: p.array().columnType("bigint[]"),
    pausedUntil: p.bigint().default(0),
    takenBy: p.uuid().nullable(),
  },
});

export class BobRateLane extends BobRateLaneSchema.class {}
BobRateLaneSchema.setClass(BobRateLane);

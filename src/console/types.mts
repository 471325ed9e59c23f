/**
 * The console's names for the answers more than one module shares: the generated fragment types
 * (sync.graphql, npm run codegen), so they follow schema/schema.graphql.
 */
import type {
  CountsFragment,
  IntegrationFragment,
  ProgressFragment,
  RunSummaryFragment,
} from "./generated/graphql.mjs";

export type Counts = CountsFragment;
export type Integration = IntegrationFragment;
export type Health = Integration["health"];
export type RunSummary = RunSummaryFragment;
export type Progress = ProgressFragment;

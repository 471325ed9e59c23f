/**
 * Lifecycle status is derived from dates and "today", never stored, so moving the
 * simulator's clock (setToday) turns future hires into employees and leavers into
 * terminated people exactly as Bob's midnight lifecycle job does.
 */
import type { LifecycleStatus } from "./types.js";

export interface LifecycleState {
  lifecycleStatus: LifecycleStatus;
  status: "Active" | "Inactive";
}

function str(v: unknown): string | null {
  return typeof v === "string" && v !== "" ? v : null;
}

export function lifecycleOf(values: Record<string, unknown>, today: string): LifecycleState {
  const start = str(values["work.startDate"]);
  const termination = str(values["internal.terminationDate"]);
  const lastDay = str(values["employee.lastDayOfWork"]);
  // The terminated lifecycle entry is effective on the termination date itself.
  if (termination !== null && termination <= today) return { lifecycleStatus: "terminated", status: "Inactive" };
  if (start !== null && start > today) return { lifecycleStatus: "hired", status: "Inactive" };
  // Garden leave lies between the last day of work and the termination date. Those people are
  // still employed (paid, reachable), so they stay Active and visible without showInactive.
  if (termination !== null && lastDay !== null && lastDay < termination && lastDay < today) {
    return { lifecycleStatus: "garden leave", status: "Active" };
  }
  return { lifecycleStatus: "employed", status: "Active" };
}

export const HUMAN_LIFECYCLE: Record<LifecycleStatus, string> = {
  hired: "Hired",
  employed: "Employed",
  "garden leave": "Garden leave",
  terminated: "Terminated",
};

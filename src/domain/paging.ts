import { badInput } from "./errors.js";

export const MAX_PAGE_SIZE = 500;

/** The page size a caller asked for, or a clear BAD_USER_INPUT. */
export function pageSize(first: number | null | undefined, fallback: number, max = MAX_PAGE_SIZE): number {
  const n = first ?? fallback;
  if (!Number.isInteger(n) || n < 0 || n > max)
    throw badInput(`first must be a whole number from 0 to ${max}.`, "first");
  return n;
}

/** Injectable time, so tests can move "today" (future hires, leavers) without waiting. */
export interface Clock {
  now(): Date;
}

export const systemClock: Clock = { now: () => new Date() };

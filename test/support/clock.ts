import type { Clock } from "../../src/domain/ports/clock.js";

/** A clock tests move by hand: "today" changes without waiting. */
export class MovableClock implements Clock {
  constructor(private current: Date) {}

  now(): Date {
    return new Date(this.current);
  }

  /** Noon UTC of a calendar day: the same day in every zone from UTC-11 to UTC+11. */
  setDay(day: string): void {
    this.current = new Date(`${day}T12:00:00Z`);
  }

  /** Any instant, e.g. just after midnight UTC, when zones west of UTC are still on the day before. */
  set(instant: Date | string): void {
    this.current = new Date(instant);
  }
}

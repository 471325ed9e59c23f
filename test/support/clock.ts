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
}

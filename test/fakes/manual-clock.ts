import type { Clock } from "#ports/clock.ts";

/** A clock that moves only when the test moves it. */
export class ManualClock implements Clock {
  private ms: number;

  constructor(start: string | Date = "2026-03-10T09:00:00.000Z") {
    this.ms = new Date(start).getTime();
  }

  now(): Date {
    return new Date(this.ms);
  }

  set(at: string | Date): void {
    this.ms = new Date(at).getTime();
  }

  advance(seconds: number): Date {
    this.ms += seconds * 1000;
    return this.now();
  }
}

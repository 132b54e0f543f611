export interface Clock {
  now(): Date;
}
export const systemClock: Clock = { now: () => new Date() };

/** Computes the next fire time of a job's enabled schedules (null until schedules exist). */
export interface NextFireLookup {
  /** Soonest upcoming fire among the enabled schedules of `jobName`, or of all jobs when undefined. */
  nextFor(jobName?: string): Promise<string | null>;
}
export const noSchedules: NextFireLookup = { nextFor: async () => null };

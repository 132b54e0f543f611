// Issue 16 part 5: the keys of pause notes and their answered shape, apart from the service so
// the views (scheduler status, jobs, schedules) can read notes without importing it.
import type { PauseTarget, StoredPauseNote } from "#ports/pause-notes.ts";
import type { PauseNote } from "#schemas/pause.ts";

export const SCHEDULER_TARGET: PauseTarget = "scheduler";
export const jobTarget = (name: string): PauseTarget => `job:${name}`;
export const scheduleTarget = (id: string): PauseTarget => `schedule:${id}`;

export const toPauseNote = (n: StoredPauseNote | null | undefined): PauseNote | null =>
  n ? { by: n.by, at: n.at, reason: n.reason, until: n.until } : null;

// Issue 16 part 5: the note kept beside a pause. The pause itself stays where it was (the
// scheduler's paused flag, a job's enabled flag, a schedule's enabled field); the note says who,
// why and until when, and the sweeper lists the notes to resume what has expired.

/** "scheduler", "job:<name>" or "schedule:<id>". */
export type PauseTarget = string;

/** As stored: times UTC ISO. */
export type StoredPauseNote = {
  target: PauseTarget;
  by: string;
  at: string;
  reason: string;
  until: string | null;
};

export interface PauseNoteStore {
  put(note: StoredPauseNote): Promise<void>;
  get(target: PauseTarget): Promise<StoredPauseNote | null>;
  /** Every note (there are tens at most: one per paused thing). */
  list(): Promise<StoredPauseNote[]>;
  /** No error if it is gone. */
  delete(target: PauseTarget): Promise<void>;
}

import type { PauseNoteStore, PauseTarget, StoredPauseNote } from "#ports/pause-notes.ts";
import { StoreOutage } from "./store-outage.ts";

/** Pause notes in a map; down with the other table-backed fakes when `outage` is. */
export class MemoryPauseNoteStore implements PauseNoteStore {
  readonly notes = new Map<PauseTarget, StoredPauseNote>();
  constructor(private readonly outage: StoreOutage = new StoreOutage()) {}
  async put(note: StoredPauseNote) {
    this.outage.check("pauses.put");
    this.notes.set(note.target, { ...note });
  }
  async get(target: PauseTarget) {
    this.outage.check("pauses.get");
    const n = this.notes.get(target);
    return n ? { ...n } : null;
  }
  async list() {
    this.outage.check("pauses.list");
    return [...this.notes.values()].map((n) => ({ ...n }));
  }
  async delete(target: PauseTarget) {
    this.outage.check("pauses.delete");
    this.notes.delete(target);
  }
}

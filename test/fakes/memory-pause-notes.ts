import type { PauseNoteStore, PauseTarget, StoredPauseNote } from "#ports/pause-notes.ts";

export class MemoryPauseNoteStore implements PauseNoteStore {
  readonly notes = new Map<PauseTarget, StoredPauseNote>();
  async put(note: StoredPauseNote) {
    this.notes.set(note.target, { ...note });
  }
  async get(target: PauseTarget) {
    const n = this.notes.get(target);
    return n ? { ...n } : null;
  }
  async list() {
    return [...this.notes.values()].map((n) => ({ ...n }));
  }
  async delete(target: PauseTarget) {
    this.notes.delete(target);
  }
}

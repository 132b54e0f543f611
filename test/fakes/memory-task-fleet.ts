// TaskFleet in memory (functions/ports/task-fleet.ts): the running tasks a test seeds, what was
// stopped and why, and a failure on demand, as the ECS adapter and the local runner would give.
import type { RunningTask, TaskFleet } from "#ports/task-fleet.ts";

export class MemoryTaskFleet implements TaskFleet {
  private readonly running = new Map<string, RunningTask>();
  readonly stops: { id: string; reason: string }[] = [];
  private failList = false;
  private readonly failStop = new Set<string>();

  seed(...tasks: RunningTask[]): this {
    for (const t of tasks) this.running.set(t.id, t);
    return this;
  }

  /** The next listRunning fails (the service is down or refuses). */
  failNextList(): void {
    this.failList = true;
  }

  /** stop(id) fails (e.g. a permission the role lacks). */
  failStopOf(id: string): void {
    this.failStop.add(id);
  }

  ids(): string[] {
    return [...this.running.keys()];
  }

  async listRunning(): Promise<RunningTask[]> {
    if (this.failList) {
      this.failList = false;
      throw new Error("ECS: Rate exceeded");
    }
    return [...this.running.values()];
  }

  async stop(id: string, reason: string): Promise<void> {
    if (this.failStop.has(id)) throw new Error(`AccessDeniedException: not allowed to stop ${id}`);
    this.stops.push({ id, reason });
    this.running.delete(id);
  }
}

// ScheduleBackend in memory: the executor's copies of schedules (EventBridge Scheduler's role).
import type { ReconcileReport, ScheduleBackend } from "#ports/schedule-backend.ts";
import type { Schedule } from "#schemas/schedule.ts";

const SAME_FIELDS = [
  "schedule_expression",
  "timezone",
  "enabled",
  "start_date",
  "end_date",
  "job_name",
  "params",
] as const;

export class MemoryScheduleBackend implements ScheduleBackend {
  readonly schedules = new Map<string, Schedule>();
  private failures: Error[] = [];

  failNext(error: Error = new Error("scheduler unavailable")): void {
    this.failures.push(error);
  }

  private check(): void {
    const f = this.failures.shift();
    if (f) throw f;
  }

  async put(schedule: Schedule): Promise<void> {
    this.check();
    this.schedules.set(schedule.id, structuredClone(schedule));
  }

  async remove(scheduleId: string): Promise<void> {
    this.check();
    this.schedules.delete(scheduleId);
  }

  async reconcile(schedules: readonly Schedule[]): Promise<ReconcileReport> {
    this.check();
    const report: ReconcileReport = { created: [], updated: [], deleted: [], unchanged: 0 };
    const wanted = new Set(schedules.map((s) => s.id));
    for (const s of schedules) {
      const mine = this.schedules.get(s.id);
      if (!mine) report.created.push(s.id);
      else if (SAME_FIELDS.some((f) => JSON.stringify(mine[f]) !== JSON.stringify(s[f])))
        report.updated.push(s.id);
      else {
        report.unchanged++;
        continue;
      }
      this.schedules.set(s.id, structuredClone(s));
    }
    for (const id of [...this.schedules.keys()]) {
      if (!wanted.has(id)) {
        this.schedules.delete(id);
        report.deleted.push(id);
      }
    }
    return report;
  }
}

// ScheduleStore and SchedulerStateStore in memory, as DynamoScheduleStore / DynamoSchedulerStateStore:
// names unique case-insensitively (create refused when taken; a rename refused when the new name is
// another's); replace only an existing schedule; a missed fire recorded once (the first record
// stands); run-once markers set once; listings as the adapter orders them.
import type {
  MissedFire,
  ScheduleFilter,
  SchedulerSettings,
  SchedulerStateStore,
  ScheduleStore,
} from "#ports/schedule-store.ts";
import type { Schedule } from "#schemas/schedule.ts";
import { StoreOutage, transactionCanceled } from "./store-outage.ts";

const copy = <T>(v: T): T => structuredClone(v);

function matchesFilter(s: Schedule, f: ScheduleFilter): boolean {
  if (f.job_name && s.job_name !== f.job_name) return false;
  if (f.category && s.category !== f.category) return false;
  if (f.tag && !s.tags.includes(f.tag)) return false;
  if (f.enabled !== undefined && s.enabled !== f.enabled) return false;
  return true;
}

export class MemoryScheduleStore implements ScheduleStore {
  private readonly byId = new Map<string, Schedule>();
  /** lower-cased name → schedule id */
  private readonly names = new Map<string, string>();

  constructor(readonly outage: StoreOutage = new StoreOutage()) {}

  async create(schedule: Schedule): Promise<boolean> {
    this.outage.check("schedules.create");
    const name = schedule.name.toLowerCase();
    if (this.names.has(name)) return false;
    if (this.byId.has(schedule.id)) throw transactionCanceled(["None", "ConditionalCheckFailed"]);
    this.names.set(name, schedule.id);
    this.byId.set(schedule.id, copy(schedule));
    return true;
  }

  async get(id: string): Promise<Schedule | null> {
    this.outage.check("schedules.get");
    const s = this.byId.get(id);
    return s ? copy(s) : null;
  }

  async list(filter: ScheduleFilter = {}): Promise<Schedule[]> {
    this.outage.check("schedules.list");
    return [...this.byId.values()]
      .filter((s) => matchesFilter(s, filter))
      .sort((a, b) => a.name.localeCompare(b.name))
      .map(copy);
  }

  async replace(previous: Schedule, next: Schedule): Promise<boolean> {
    this.outage.check("schedules.replace");
    const renamed = previous.name.toLowerCase() !== next.name.toLowerCase();
    if (renamed && this.names.has(next.name.toLowerCase())) return false;
    if (!this.byId.has(next.id))
      throw transactionCanceled(
        renamed ? ["None", "ConditionalCheckFailed", "None"] : ["ConditionalCheckFailed"],
      );
    if (renamed) {
      if (this.names.get(previous.name.toLowerCase()) !== previous.id)
        throw transactionCanceled(["None", "None", "ConditionalCheckFailed"]);
      this.names.delete(previous.name.toLowerCase());
      this.names.set(next.name.toLowerCase(), next.id);
    }
    this.byId.set(next.id, copy(next));
    return true;
  }

  async delete(schedule: Schedule): Promise<void> {
    this.outage.check("schedules.delete");
    const name = schedule.name.toLowerCase();
    const owner = this.names.get(name);
    if (owner !== undefined && owner !== schedule.id)
      throw transactionCanceled(["None", "ConditionalCheckFailed"]);
    this.byId.delete(schedule.id);
    this.names.delete(name);
  }
}

type Marker = { value: string; set_at: string };

export class MemorySchedulerStateStore implements SchedulerStateStore {
  private settings: SchedulerSettings = { paused: false, paused_by: null, paused_at: null };
  private readonly missed = new Map<string, MissedFire>();
  readonly markers = new Map<string, Marker>();

  constructor(
    private readonly now: () => Date = () => new Date(),
    readonly outage: StoreOutage = new StoreOutage(),
  ) {}

  async getSettings(): Promise<SchedulerSettings> {
    this.outage.check("schedulerState.getSettings");
    return { ...this.settings };
  }

  async setPaused(paused: boolean, actor: string): Promise<SchedulerSettings> {
    this.outage.check("schedulerState.setPaused");
    this.settings = {
      paused,
      paused_by: paused ? actor : null,
      paused_at: paused ? this.now().toISOString() : null,
    };
    return { ...this.settings };
  }

  async recordMissed(missed: MissedFire): Promise<boolean> {
    this.outage.check("schedulerState.recordMissed");
    const key = `${missed.scheduled_time}#${missed.schedule_id}`;
    if (this.missed.has(key)) return false;
    this.missed.set(key, copy(missed));
    return true;
  }

  async getMissed(scheduleId: string, scheduledTime: string): Promise<MissedFire | null> {
    this.outage.check("schedulerState.getMissed");
    const m = this.missed.get(`${scheduledTime}#${scheduleId}`);
    return m ? copy(m) : null;
  }

  async listMissed(limit: number): Promise<MissedFire[]> {
    this.outage.check("schedulerState.listMissed");
    return [...this.missed.entries()]
      .sort(([a], [b]) => b.localeCompare(a))
      .slice(0, limit)
      .map(([, m]) => copy(m));
  }

  async setOnce(marker: string, value: string): Promise<boolean> {
    this.outage.check("schedulerState.setOnce");
    if (this.markers.has(marker)) return false;
    this.markers.set(marker, { value, set_at: this.now().toISOString() });
    return true;
  }

  async getMarker(marker: string): Promise<string | null> {
    this.outage.check("schedulerState.getMarker");
    return this.markers.get(marker)?.value ?? null;
  }

  async putMarker(marker: string, value: string): Promise<void> {
    this.outage.check("schedulerState.putMarker");
    this.markers.set(marker, { value, set_at: this.now().toISOString() });
  }

  async probe(_timeoutMs: number): Promise<void> {
    this.outage.check("schedulerState.probe");
  }
}

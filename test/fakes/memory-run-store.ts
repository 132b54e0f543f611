// RunStore in memory, with the conditions of DynamoRunStore (functions/adapters/dynamo-run-store.ts):
// create only if absent; finish only from the given statuses; progress only while RUNNING; patches
// only while active (and never to a finished status); a cancelled run's final counts once; expired runs (expires_at passed) hidden from
// get and list; lists newest first with the same filters and cursor. Values are copied in and out,
// as a store would serialise them.
import type {
  ActivePatch,
  FinishUpdate,
  ProgressUpdate,
  RunCount,
  RunFilter,
  RunPosition,
  RunStore,
  RunStorePage,
} from "#ports/run-store.ts";
import { ACTIVE_STATUSES, type Run, type RunCounts, type RunStatus } from "#schemas/run.ts";
import { StoreOutage } from "./store-outage.ts";

/** `cancelled_counts_at`: the item-only marker of DynamoRunStore.writeCancelledCounts. */
type Item = Run & { expires_at?: number; cancelled_counts_at?: string };

const isActive = (s: RunStatus) => (ACTIVE_STATUSES as readonly string[]).includes(s);
const copy = <T>(v: T): T => structuredClone(v);

/** Newest first (the indexes' sort key is started_at), ties by id. */
const newestFirst = (a: Run, b: Run) =>
  a.started_at === b.started_at
    ? b.execution_uuid.localeCompare(a.execution_uuid)
    : b.started_at.localeCompare(a.started_at);

export class MemoryRunStore implements RunStore {
  private readonly items = new Map<string, Item>();

  constructor(
    private readonly now: () => Date = () => new Date(),
    readonly outage: StoreOutage = new StoreOutage(),
  ) {}

  // --- test helpers (not part of the port) ---

  /** Puts a run as is (no condition): a store's state before the test begins. */
  seed(...runs: Run[]): void {
    for (const r of runs) this.items.set(r.execution_uuid, copy(r));
  }

  /** Every stored run, expired or not (what the table holds). */
  all(): Run[] {
    return [...this.items.values()].map(copy);
  }

  /** Same as `create` minus the outage check: used by the control store's transactions. */
  hasItem(executionUuid: string): boolean {
    return this.items.has(executionUuid);
  }

  putItem(run: Run): void {
    this.items.set(run.execution_uuid, copy(run));
  }

  // --- the port ---

  async create(run: Run): Promise<boolean> {
    this.outage.check("runs.create");
    if (this.items.has(run.execution_uuid)) return false;
    this.items.set(run.execution_uuid, copy(run));
    return true;
  }

  async noteCreated(_run: Run): Promise<void> {
    this.outage.check("runs.noteCreated");
  }

  async get(executionUuid: string): Promise<Run | null> {
    this.outage.check("runs.get");
    const item = this.items.get(executionUuid);
    if (!item || this.isExpired(item)) return null;
    return this.toRun(item);
  }

  private isExpired(item: Item): boolean {
    return typeof item.expires_at === "number" && item.expires_at * 1000 <= this.now().getTime();
  }

  private toRun(item: Item): Run {
    const { expires_at: _e, cancelled_counts_at: _c, ...run } = copy(item);
    return run;
  }

  private matches(r: Item, f: RunFilter): boolean {
    if (this.isExpired(r)) return false;
    if (f.job_name && r.job_name !== f.job_name) return false;
    if (f.statuses?.length && !f.statuses.includes(r.status)) return false;
    if (f.started_after && r.started_at < f.started_after) return false;
    if (f.started_before && r.started_at > f.started_before) return false;
    // DynamoDB's contains() on a list: an element equal to the value
    if (f.data_source && !r.data_source.includes(f.data_source)) return false;
    if (f.trigger_source && r.trigger_source !== f.trigger_source) return false;
    if (f.execution_prefix && !r.execution_uuid.startsWith(f.execution_prefix)) return false;
    // DynamoDB's attribute_type(anomalies, L): a list, never null
    if (f.anomaly !== undefined && Array.isArray(r.anomalies) !== f.anomaly) return false;
    return true;
  }

  async list(filter: RunFilter, limit: number, after: RunPosition | null): Promise<RunStorePage> {
    this.outage.check("runs.list");
    const all = [...this.items.values()]
      .filter((r) => this.matches(r, filter))
      .filter(
        (r) =>
          !after ||
          r.started_at < after.started_at ||
          (r.started_at === after.started_at && r.execution_uuid < after.execution_uuid),
      )
      .sort(newestFirst);
    const page = all.slice(0, limit).map((i) => this.toRun(i));
    const last = page[page.length - 1];
    return {
      runs: page,
      next:
        all.length > limit && last
          ? { execution_uuid: last.execution_uuid, started_at: last.started_at, job_name: last.job_name }
          : null,
    };
  }

  async count(filter: RunFilter, cap: number): Promise<RunCount> {
    this.outage.check("runs.count");
    const n = [...this.items.values()].filter((r) => this.matches(r, filter)).length;
    return n >= cap ? { count: cap, capped: true } : { count: n, capped: false };
  }

  async listActive(jobName?: string): Promise<Run[]> {
    this.outage.check("runs.listActive");
    return [...this.items.values()]
      .filter((r) => isActive(r.status) && (!jobName || r.job_name === jobName))
      .sort(newestFirst)
      .map((i) => this.toRun(i));
  }

  async finish(executionUuid: string, from: RunStatus[], update: FinishUpdate): Promise<Run | null> {
    this.outage.check("runs.finish");
    const item = this.items.get(executionUuid);
    if (!item || !from.includes(item.status)) return null;
    const next: Item = {
      ...item,
      status: update.status,
      finished_at: update.finished_at,
      duration_seconds: update.duration_seconds,
      error_summary: update.error_summary,
      next_scheduled_for: update.next_scheduled_for,
      retry_at: null,
      updated_at: update.finished_at,
      ...(update.counts ? copy(update.counts) : {}),
      ...(update.progress !== undefined ? { progress: copy(update.progress) } : {}),
      ...(update.expires_at !== null ? { expires_at: update.expires_at } : {}),
      ...(update.anomalies !== undefined ? { anomalies: copy(update.anomalies) } : {}),
      ...(update.cost !== undefined ? { cost: copy(update.cost) } : {}),
    };
    this.items.set(executionUuid, next);
    return this.toRun(next);
  }

  async writeProgress(executionUuid: string, update: ProgressUpdate): Promise<boolean> {
    this.outage.check("runs.writeProgress");
    const item = this.items.get(executionUuid);
    if (item?.status !== "RUNNING") return false;
    this.items.set(executionUuid, {
      ...item,
      progress: copy(update.progress),
      attempt: update.attempt,
      retry_at: null,
      updated_at: update.progress.updated_at,
      ...copy(update.counts),
    });
    return true;
  }

  async patchActive(executionUuid: string, patch: ActivePatch): Promise<boolean> {
    if (patch.status && !isActive(patch.status)) {
      throw new Error(`patchActive cannot set finished status ${patch.status}`);
    }
    this.outage.check("runs.patchActive");
    const item = this.items.get(executionUuid);
    if (!item || !isActive(item.status)) return false;
    const fields = Object.fromEntries(Object.entries(patch).filter(([, v]) => v !== undefined));
    this.items.set(executionUuid, { ...item, ...copy(fields), updated_at: this.now().toISOString() });
    return true;
  }

  async writeCancelledCounts(executionUuid: string, counts: RunCounts): Promise<boolean> {
    this.outage.check("runs.writeCancelledCounts");
    const item = this.items.get(executionUuid);
    if (item?.status !== "CANCELLED" || item.cancelled_counts_at) return false;
    this.items.set(executionUuid, {
      ...item,
      ...copy(counts),
      cancelled_counts_at: this.now().toISOString(),
    });
    return true;
  }
}

// Runs one attempt of a job: builds its ctx (progress, stages, items, counters, cancellation)
// and writes progress to the store at most once per second, plus a final flush. A stage change is
// written at once (not held by that spacing): a cancel ends the run's record where it lands, and the
// worker's later writes are refused, so a stage started but not yet written would be lost and the
// page would show the stage before it as the one cancelled.

import type { JobDefinition, JobLogger, JobStoresOf, ProgressMessage } from "#domain/jobs/job-definition.ts";
import { recordMessage } from "#domain/jobs/job-words.ts";
import { NO_SECRETS, type SecretReader } from "#ports/secret-reader.ts";
import type { Progress, ProgressItem, RunCounts, Stage, StageStatus } from "#schemas/run.ts";
import { maskSecrets, registerSecretValue } from "./run-attempts.ts";
import { ZERO_COUNTS } from "./run-lifecycle.ts";

export type ProgressSnapshot = { progress: Progress; counts: RunCounts; attempt: number };

/** Where progress goes. `false` means the run is no longer RUNNING (cancelled / ended elsewhere). */
export interface ProgressSink {
  write(snapshot: ProgressSnapshot): Promise<boolean>;
  /**
   * The final flush of an attempt whose run was no longer RUNNING: its counts only, which the store
   * keeps on a CANCELLED run (once). `false`: not kept (the run ended otherwise, or already flushed).
   */
  writeCancelledCounts?(counts: RunCounts): Promise<boolean>;
}

export class JobCancelledError extends Error {
  constructor(reason: string) {
    super(reason);
    this.name = "JobCancelled";
  }
}

export type ExecuteJobInput = {
  job: JobDefinition;
  executionUuid: string;
  attempt: number;
  params: Record<string, unknown>;
  /** ctx.scheduledFor (the run's scheduled_for); the attempt's start when absent. */
  scheduledFor?: Date;
  /** Aborts the job's signal after this many seconds (the workflow's own timeout also applies). */
  timeoutSeconds: number;
  /** Progress and counters of an earlier attempt, so a retry continues the stage timeline. */
  previous?: Progress | null;
};

export type ExecuteJobDeps = {
  sink: ProgressSink;
  /** The job's opened stores (ctx.stores). */
  stores: JobStoresOf;
  logger: JobLogger;
  now?: () => Date;
  /** External cancellation (the local interpreter aborting the execution, the worker's status watch). */
  signal?: AbortSignal;
  /** Minimum spacing of store writes; 1000 ms by the spec, lower only in tests. */
  minWriteIntervalMs?: number;
  /** Where the job's declared secrets are read (ctx.secret); none configured when absent. */
  secrets?: SecretReader;
};

export type ExecuteJobResult = { counts: RunCounts; progress: Progress };

export async function executeJob(input: ExecuteJobInput, deps: ExecuteJobDeps): Promise<ExecuteJobResult> {
  const now = deps.now ?? (() => new Date());
  const interval = deps.minWriteIntervalMs ?? 1000;
  const abort = new AbortController();
  const cancel = (reason: string) => {
    if (!abort.signal.aborted) abort.abort(new JobCancelledError(reason));
  };
  const timeoutTimer = setTimeout(
    () => cancel(`timed out after ${input.timeoutSeconds} s`),
    input.timeoutSeconds * 1000,
  );
  // The stop's own reason when it gives one (the worker's status watch says what it saw).
  const onExternal = () =>
    cancel(
      deps.signal?.reason instanceof JobCancelledError ? deps.signal.reason.message : "execution stopped",
    );
  deps.signal?.addEventListener("abort", onExternal, { once: true });
  if (deps.signal?.aborted) onExternal();

  const counts: RunCounts = { ...ZERO_COUNTS };
  const stages: Stage[] = (input.job.stages ?? []).map((name) => ({
    name,
    status: "pending",
    started_at: null,
    finished_at: null,
  }));
  // A retry keeps the stages that completed in the earlier attempt visible.
  for (const prev of input.previous?.stages ?? []) {
    const s = stages.find((x) => x.name === prev.name);
    if (s && prev.status === "done") Object.assign(s, prev);
  }
  const items: ProgressItem[] = [];
  const state: Omit<Progress, "stages" | "items" | "updated_at"> = {
    stage: null,
    current: null,
    total: null,
    message: null,
    message_key: null,
    message_params: null,
  };

  const snapshot = (): ProgressSnapshot => ({
    progress: {
      ...state,
      stages: stages.map((s) => ({ ...s })),
      items: items.map((i) => ({ ...i })),
      updated_at: now().toISOString(),
    },
    counts: { ...counts, skip_breakdown: counts.skip_breakdown ? { ...counts.skip_breakdown } : null },
    attempt: input.attempt,
  });

  // --- throttled writer: ≤ 1 write per `interval`, the latest state always lands eventually.
  let lastWriteAt = 0;
  let timer: NodeJS.Timeout | null = null;
  let inFlight: Promise<void> | null = null;
  let dirty = false;
  /** The next write goes out at once (a stage change), not after the spacing. */
  let urgent = false;
  let closed = false;
  let failedWrites = 0;

  /** The last write found the run no longer RUNNING. */
  let refused = false;
  const writeNow = async () => {
    dirty = false;
    lastWriteAt = Date.now();
    try {
      const stillRunning = await deps.sink.write(snapshot());
      refused = !stillRunning;
      if (!stillRunning) cancel("run is no longer RUNNING (cancelled or ended)");
    } catch (e) {
      // Progress is best effort: a failed write (store down, disk full) must not fail the job;
      // it is logged, counted, and the next progress (or the final flush) tries again.
      failedWrites++;
      dirty = true;
      deps.logger.warn("progress write failed", { error: String(e), failed_writes: failedWrites });
    }
  };
  const schedule = () => {
    if (closed || timer || inFlight) return;
    const wait = urgent ? 0 : Math.max(0, lastWriteAt + interval - Date.now());
    timer = setTimeout(() => {
      timer = null;
      urgent = false;
      inFlight = writeNow().finally(() => {
        inFlight = null;
        if (dirty) schedule();
      });
    }, wait);
  };
  const touch = () => {
    dirty = true;
    schedule();
  };
  /** A stage change: written now, or right after the write in flight (which holds the older state). */
  const touchNow = () => {
    dirty = true;
    urgent = true;
    if (timer) clearTimeout(timer);
    timer = null;
    schedule();
  };

  const finishStage = (status: StageStatus) => {
    const running = stages.find((s) => s.status === "running");
    if (running) {
      running.status = status;
      running.finished_at = now().toISOString();
    }
  };

  const ctx = {
    params: input.params,
    executionUuid: input.executionUuid,
    attempt: input.attempt,
    scheduledFor: input.scheduledFor ?? now(),
    logger: deps.logger,
    signal: abort.signal,
    stores: deps.stores,
    progress(p: { current?: number | null; total?: number | null; message?: ProgressMessage | null }) {
      if (p.current !== undefined) state.current = p.current;
      if (p.total !== undefined) state.total = p.total;
      // A keyed message keeps its key and values (the page's words) and English text (API clients).
      if (p.message !== undefined) {
        const m = recordMessage(input.job, p.message);
        // A secret must not reach the run record through a progress message either.
        if (m.message) m.message = maskSecrets(m.message);
        if (m.message_params) {
          m.message_params = Object.fromEntries(
            Object.entries(m.message_params).map(([k, v]) => [k, typeof v === "string" ? maskSecrets(v) : v]),
          );
        }
        Object.assign(state, m);
      }
      touch();
    },
    stage(name: string) {
      finishStage("done");
      let s = stages.find((x) => x.name === name);
      if (!s) {
        s = { name, status: "pending", started_at: null, finished_at: null };
        stages.push(s);
      }
      s.status = "running";
      s.started_at = now().toISOString();
      s.finished_at = null;
      state.stage = name;
      state.current = null;
      state.total = null;
      deps.logger.info("stage started", { stage: name });
      touchNow();
    },
    item(name: string, p: { current?: number; total?: number | null; status?: StageStatus }) {
      let it = items.find((x) => x.name === name);
      if (!it) {
        it = { name, status: "pending", current: 0, total: null };
        items.push(it);
      }
      if (p.current !== undefined) it.current = p.current;
      if (p.total !== undefined) it.total = p.total;
      it.status = p.status ?? (it.total !== null && it.current >= it.total ? "done" : "running");
      touch();
    },
    count: {
      input(n = 1) {
        counts.input_count += n;
        touch();
      },
      inserted(n = 1) {
        counts.inserted_count += n;
        touch();
      },
      updated(n = 1) {
        counts.updated_count += n;
        touch();
      },
      skipped(reason: string, n = 1) {
        counts.skipped_count += n;
        counts.skip_breakdown = counts.skip_breakdown ?? {};
        counts.skip_breakdown[reason] = (counts.skip_breakdown[reason] ?? 0) + n;
        touch();
      },
      errors(n = 1) {
        counts.error_count += n;
        touch();
      },
    },
    throwIfCancelled() {
      if (abort.signal.aborted) throw abort.signal.reason ?? new JobCancelledError("cancelled");
    },
    async secret(key: string): Promise<string | null> {
      const declared = input.job.secrets?.[key];
      if (!declared) {
        throw new Error(`${input.job.name} reads secret '${key}' but does not declare it in its secrets`);
      }
      const value = await (deps.secrets ?? NO_SECRETS).read(key, declared);
      if (value === null || value.trim() === "") return null;
      registerSecretValue(value);
      return value.trim();
    },
  };

  const close = async () => {
    closed = true;
    clearTimeout(timeoutTimer);
    deps.signal?.removeEventListener("abort", onExternal);
    if (timer) clearTimeout(timer);
    timer = null;
    if (inFlight) await inFlight;
    await writeNow(); // final flush
    // Cancelled: the record keeps the stage the cancel found, but the counts the job reached since
    // its last write land too (issue 15: an operator cancelling a two-hour ingest wants to know
    // how far it got). Best effort, as any progress write.
    if (refused && deps.sink.writeCancelledCounts) {
      const { counts: reached } = snapshot();
      deps.logger.info("final counts after the run ended", { ...reached });
      try {
        await deps.sink.writeCancelledCounts(reached);
      } catch (e) {
        deps.logger.warn("final counts after the cancel could not be written", { error: String(e) });
      }
    }
  };

  try {
    await input.job.run(ctx);
    ctx.throwIfCancelled();
    finishStage("done");
    for (const it of items) if (it.status === "running") it.status = "done";
    await close();
    return { counts, progress: snapshot().progress };
  } catch (e) {
    finishStage("failed");
    await close();
    throw e;
  }
}

import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import * as z from "zod/mini";
import type { JobContext, JobDefinition, JobLogger } from "#domain/jobs/job-definition.ts";
import {
  type ExecuteJobDeps,
  type ExecuteJobInput,
  executeJob,
  type ProgressSink,
  type ProgressSnapshot,
} from "#domain/runs/job-attempt.ts";
import type { Progress } from "#schemas/run.ts";

const START = new Date("2025-07-10T00:00:00.000Z");
const UUID = "11111111-1111-4111-8111-111111111111";

type Write = { at: number; snap: ProgressSnapshot };

/** Records every write with the (fake) time it started; answers `answer()` (true = still RUNNING). */
class RecordingSink implements ProgressSink {
  readonly writes: Write[] = [];
  inFlight = 0;
  maxInFlight = 0;
  constructor(
    private readonly answer: () => boolean | Promise<boolean> = () => true,
    private readonly latencyMs = 0,
  ) {}
  async write(snap: ProgressSnapshot): Promise<boolean> {
    this.writes.push({ at: Date.now(), snap: structuredClone(snap) });
    this.inFlight++;
    this.maxInFlight = Math.max(this.maxInFlight, this.inFlight);
    try {
      if (this.latencyMs) await new Promise((r) => setTimeout(r, this.latencyMs));
      return await this.answer();
    } finally {
      this.inFlight--;
    }
  }
  get last(): ProgressSnapshot {
    const w = this.writes[this.writes.length - 1];
    if (!w) throw new Error("no write recorded");
    return w.snap;
  }
}

function recordingLogger() {
  const lines: Array<{ level: string; message: string; extra?: Record<string, unknown> }> = [];
  const at =
    (level: string) =>
    (message: string, extra?: Record<string, unknown>): void => {
      lines.push({ level, message, extra });
    };
  const logger: JobLogger = { debug: at("debug"), info: at("info"), warn: at("warn"), error: at("error") };
  return { logger, lines };
}

type Ctx = JobContext<Record<string, unknown>>;

function job(run: (ctx: Ctx) => Promise<void>, stages?: string[]): JobDefinition {
  return {
    name: "test.runner",
    description: { ja: "unit test job", en: "unit test job" },
    category: "test",
    data_sources: [],
    parameters: z.object({}),
    concurrency: "job",
    runtime: "lambda",
    timeout_seconds: 60,
    retry: { attempts: 1, backoff_seconds: 0, backoff_rate: 1 },
    stages,
    run: run as JobDefinition["run"],
  };
}

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

function start(
  def: JobDefinition,
  deps: Partial<ExecuteJobDeps> & { sink: ProgressSink },
  input: Partial<ExecuteJobInput> = {},
) {
  const promise = executeJob(
    { job: def, executionUuid: UUID, attempt: 1, params: {}, timeoutSeconds: 60, ...input },
    { stores: {}, logger: recordingLogger().logger, ...deps },
  );
  // Observe the outcome at once so a rejection while timers advance is never "unhandled".
  const settled = promise.then(
    (value) => ({ ok: true as const, value }),
    (error: unknown) => ({ ok: false as const, error }),
  );
  return { promise, settled };
}

beforeEach(() => {
  vi.useFakeTimers();
  vi.setSystemTime(START);
});
afterEach(() => {
  vi.useRealTimers();
});

describe("executeJob: a job that ends its run SKIPPED (ctx.skip)", () => {
  it("returns the skip with the counts, the stage it reached done and the later stages skipped", async () => {
    const sink = new RecordingSink();
    const def = job(
      async (ctx) => {
        ctx.stage("calendar");
        ctx.count.input(0);
        ctx.skip("market_holiday", "2026-11-23 is not a trading day");
      },
      ["calendar", "fetch", "write"],
    );
    const { settled } = start(def, { sink, minWriteIntervalMs: 10 });
    await vi.advanceTimersByTimeAsync(100);
    const out = await settled;
    if (!out.ok) throw out.error;
    expect(out.value.skip).toEqual({ reason: "market_holiday", detail: "2026-11-23 is not a trading day" });
    expect(out.value.progress.stages.map((s) => [s.name, s.status])).toEqual([
      ["calendar", "done"],
      ["fetch", "skipped"],
      ["write", "skipped"],
    ]);
  });

  it("a job that does not skip returns no skip (its run ends SUCCESS)", async () => {
    const sink = new RecordingSink();
    const { settled } = start(
      job(async (ctx) => ctx.stage("fetch"), ["fetch", "write"]),
      { sink, minWriteIntervalMs: 10 },
    );
    await vi.advanceTimersByTimeAsync(100);
    const out = await settled;
    if (!out.ok) throw out.error;
    expect(out.value.skip).toBeUndefined();
    expect(out.value.progress.stages.map((s) => s.status)).toEqual(["done", "pending"]);
  });
});

describe("executeJob progress throttling", () => {
  it("writes at most once per interval during bursts, then flushes the latest values", async () => {
    const sink = new RecordingSink();
    let calls = 0;
    const def = job(async (ctx) => {
      for (let burst = 0; burst < 20; burst++) {
        for (let i = 0; i < 50; i++) {
          calls++;
          ctx.progress({ current: burst * 50 + i, total: 1000, message: `item ${burst * 50 + i}` });
        }
        await sleep(30);
      }
    });
    const { settled } = start(def, { sink, minWriteIntervalMs: 100 });
    await vi.advanceTimersByTimeAsync(2000);
    const out = await settled;
    expect(out.ok).toBe(true);

    expect(calls).toBe(1000);
    const times = sink.writes.map((w) => w.at - START.getTime());
    const throttled = times.slice(0, -1); // the last write is the final flush
    for (let i = 1; i < throttled.length; i++) {
      expect(throttled[i]! - throttled[i - 1]!).toBeGreaterThanOrEqual(100);
    }
    // The job ran 600 ms: at most one write per 100 ms window plus the final flush.
    expect(sink.writes.length).toBeGreaterThanOrEqual(3);
    expect(sink.writes.length).toBeLessThanOrEqual(600 / 100 + 1 + 1);
    expect(sink.maxInFlight).toBe(1);

    expect(sink.last.progress).toMatchObject({ current: 999, total: 1000, message: "item 999" });
    expect(sink.last.attempt).toBe(1);
    if (out.ok) expect(out.value.progress).toMatchObject({ current: 999, total: 1000 });
  });

  it("never overlaps writes when the sink is slower than the interval", async () => {
    const sink = new RecordingSink(() => true, 250);
    const def = job(async (ctx) => {
      for (let i = 0; i < 100; i++) {
        ctx.progress({ current: i });
        await sleep(10);
      }
    });
    const { settled } = start(def, { sink, minWriteIntervalMs: 100 });
    await vi.advanceTimersByTimeAsync(3000);
    expect((await settled).ok).toBe(true);
    expect(sink.maxInFlight).toBe(1);
    expect(sink.last.progress.current).toBe(99);
  });

  it("with the default 1000 ms interval, 200 progress calls over 2.5 s make at most 4 writes", async () => {
    const sink = new RecordingSink();
    const def = job(async (ctx) => {
      for (let i = 0; i < 200; i++) {
        ctx.progress({ current: i + 1, total: 200 });
        await sleep(12.5);
      }
    });
    const { settled } = start(def, { sink });
    await vi.advanceTimersByTimeAsync(3000);
    expect((await settled).ok).toBe(true);

    expect(sink.writes.length).toBeGreaterThanOrEqual(2);
    expect(sink.writes.length).toBeLessThanOrEqual(4);
    const times = sink.writes.map((w) => w.at - START.getTime());
    for (let i = 1; i < times.length - 1; i++) expect(times[i]! - times[i - 1]!).toBeGreaterThanOrEqual(1000);
    expect(sink.last.progress).toMatchObject({ current: 200, total: 200 });
  });

  it("always ends with a final flush even when nothing was written yet", async () => {
    const sink = new RecordingSink();
    const def = job(async (ctx) => {
      ctx.count.input(7);
    });
    const { settled } = start(def, { sink });
    await vi.advanceTimersByTimeAsync(10);
    expect((await settled).ok).toBe(true);
    expect(sink.writes.length).toBeGreaterThanOrEqual(1);
    expect(sink.last.counts.input_count).toBe(7);
  });

  it("truncates progress messages to 500 characters", async () => {
    const sink = new RecordingSink();
    const def = job(async (ctx) => {
      ctx.progress({ message: "m".repeat(800) });
    });
    const { settled } = start(def, { sink });
    await vi.advanceTimersByTimeAsync(10);
    const out = await settled;
    expect(out.ok && out.value.progress.message?.length).toBe(500);
  });
});

describe("executeJob stages", () => {
  it("marks the previous stage done and the new one running", async () => {
    const sink = new RecordingSink();
    const seen: ProgressSnapshot[] = [];
    const def = job(
      async (ctx) => {
        ctx.stage("fetch");
        await sleep(1500);
        seen.push(sink.last);
        ctx.stage("transform");
        await sleep(1500);
        seen.push(sink.last);
        ctx.stage("load");
      },
      ["fetch", "transform", "load"],
    );
    const { settled } = start(def, { sink });
    await vi.advanceTimersByTimeAsync(5000);
    const out = await settled;
    expect(out.ok).toBe(true);

    const statuses = (s: ProgressSnapshot) => s.progress.stages.map((x) => [x.name, x.status]);
    expect(seen[0]!.progress.stage).toBe("fetch");
    expect(statuses(seen[0]!)).toEqual([
      ["fetch", "running"],
      ["transform", "pending"],
      ["load", "pending"],
    ]);
    expect(statuses(seen[1]!)).toEqual([
      ["fetch", "done"],
      ["transform", "running"],
      ["load", "pending"],
    ]);
    const fetch = seen[1]!.progress.stages[0]!;
    expect(fetch.started_at).toBe("2025-07-10T00:00:00.000Z");
    expect(fetch.finished_at).toBe("2025-07-10T00:00:01.500Z");
    expect(seen[1]!.progress.stages[1]!.finished_at).toBeNull();

    if (!out.ok) throw out.error;
    expect(out.value.progress.stages.map((s) => s.status)).toEqual(["done", "done", "done"]);
    expect(out.value.progress.stages.every((s) => s.finished_at !== null)).toBe(true);
    expect(statuses(sink.last)).toEqual([
      ["fetch", "done"],
      ["transform", "done"],
      ["load", "done"],
    ]);
  });

  it("writes a stage change at once, not after the write spacing (a cancel keeps only what is written)", async () => {
    const sink = new RecordingSink(() => true, 30);
    const def = job(
      async (ctx) => {
        ctx.stage("a");
        for (let i = 0; i < 20; i++) {
          ctx.progress({ current: i });
          await sleep(10);
        }
        ctx.stage("b"); // 200 ms in: a write of "a"'s progress is held until 1000 ms by the spacing
        await sleep(2000);
      },
      ["a", "b", "c"],
    );
    const { settled } = start(def, { sink, minWriteIntervalMs: 1000 });
    await vi.advanceTimersByTimeAsync(260);
    const b = sink.writes.find(
      (w) => w.snap.progress.stages.find((s) => s.name === "b")?.status === "running",
    );
    expect(b, "stage b written before the spacing allows an ordinary write").toBeDefined();
    expect(b!.at - START.getTime()).toBeLessThan(250);
    expect(b!.snap.progress.stages.map((s) => s.status)).toEqual(["done", "running", "pending"]);
    expect(sink.maxInFlight).toBe(1);
    await vi.advanceTimersByTimeAsync(3000);
    expect((await settled).ok).toBe(true);
  });

  it("adds a stage that was not declared", async () => {
    const sink = new RecordingSink();
    const def = job(
      async (ctx) => {
        ctx.stage("extra");
      },
      ["fetch"],
    );
    const { settled } = start(def, { sink });
    await vi.advanceTimersByTimeAsync(10);
    const out = await settled;
    if (!out.ok) throw out.error;
    expect(out.value.progress.stages.map((s) => [s.name, s.status])).toEqual([
      ["fetch", "pending"],
      ["extra", "done"],
    ]);
  });

  it("marks the running stage failed and rethrows the job's error", async () => {
    const sink = new RecordingSink();
    const boom = new Error("boom");
    const def = job(
      async (ctx) => {
        ctx.stage("fetch");
        ctx.stage("transform");
        throw boom;
      },
      ["fetch", "transform", "load"],
    );
    const { settled } = start(def, { sink });
    await vi.advanceTimersByTimeAsync(10);
    const out = await settled;
    expect(out.ok).toBe(false);
    if (!out.ok) expect(out.error).toBe(boom);
    expect(sink.last.progress.stages.map((s) => [s.name, s.status])).toEqual([
      ["fetch", "done"],
      ["transform", "failed"],
      ["load", "pending"],
    ]);
    expect(sink.last.progress.stages[1]!.finished_at).not.toBeNull();
  });

  it("keeps stages that were done in a previous attempt done on a retry", async () => {
    const previous: Progress = {
      stage: "transform",
      stages: [
        {
          name: "fetch",
          status: "done",
          started_at: "2025-07-09T23:00:00.000Z",
          finished_at: "2025-07-09T23:10:00.000Z",
        },
        { name: "transform", status: "failed", started_at: "2025-07-09T23:10:00.000Z", finished_at: null },
        { name: "load", status: "pending", started_at: null, finished_at: null },
      ],
      current: 3,
      total: 10,
      message: null,
      items: [],
      updated_at: "2025-07-09T23:11:00.000Z",
    };
    const sink = new RecordingSink();
    const before: ProgressSnapshot[] = [];
    const def = job(
      async (ctx) => {
        ctx.progress({ message: "retrying" });
        await sleep(10);
        before.push(sink.last);
        ctx.stage("transform");
        ctx.stage("load");
      },
      ["fetch", "transform", "load"],
    );
    const { settled } = start(def, { sink }, { attempt: 2, previous });
    await vi.advanceTimersByTimeAsync(100);
    const out = await settled;
    if (!out.ok) throw out.error;

    expect(before[0]!.attempt).toBe(2);
    expect(before[0]!.progress.stages).toEqual([
      previous.stages[0],
      // a failed stage of the earlier attempt starts over
      { name: "transform", status: "pending", started_at: null, finished_at: null },
      { name: "load", status: "pending", started_at: null, finished_at: null },
    ]);
    expect(out.value.progress.stages[0]).toEqual(previous.stages[0]);
    expect(out.value.progress.stages.map((s) => s.status)).toEqual(["done", "done", "done"]);
  });
});

describe("executeJob counters", () => {
  it("builds skip_breakdown per reason, summing to skipped_count", async () => {
    const sink = new RecordingSink();
    const def = job(async (ctx) => {
      ctx.count.input(10);
      ctx.count.inserted(3);
      ctx.count.updated();
      ctx.count.skipped("duplicate", 2);
      ctx.count.skipped("stale");
      ctx.count.skipped("duplicate");
      ctx.count.errors(2);
    });
    const { settled } = start(def, { sink });
    await vi.advanceTimersByTimeAsync(10);
    const out = await settled;
    if (!out.ok) throw out.error;
    const c = out.value.counts;
    expect(c).toEqual({
      input_count: 10,
      inserted_count: 3,
      updated_count: 1,
      skipped_count: 4,
      error_count: 2,
      skip_breakdown: { duplicate: 3, stale: 1 },
    });
    const sum = Object.values(c.skip_breakdown ?? {}).reduce((a, b) => a + b, 0);
    expect(sum).toBe(c.skipped_count);
    expect(sink.last.counts).toEqual(c);
  });

  it("leaves skip_breakdown null when nothing was skipped", async () => {
    const sink = new RecordingSink();
    const def = job(async (ctx) => ctx.count.input(1));
    const { settled } = start(def, { sink });
    await vi.advanceTimersByTimeAsync(10);
    const out = await settled;
    expect(out.ok && out.value.counts.skip_breakdown).toBeNull();
  });
});

describe("executeJob cancellation", () => {
  it("aborts ctx.signal when the sink reports the run is no longer RUNNING", async () => {
    const sink = new RecordingSink(() => false);
    let abortedAfterWrite: boolean | null = null;
    let thrown: unknown;
    const def = job(async (ctx) => {
      expect(ctx.signal.aborted).toBe(false);
      ctx.progress({ current: 1 });
      await sleep(50);
      abortedAfterWrite = ctx.signal.aborted;
      try {
        ctx.throwIfCancelled();
      } catch (e) {
        thrown = e;
        throw e;
      }
    });
    const { settled } = start(def, { sink });
    await vi.advanceTimersByTimeAsync(100);
    const out = await settled;
    expect(abortedAfterWrite).toBe(true);
    expect((thrown as Error).name).toBe("JobCancelled");
    expect(out.ok).toBe(false);
    if (!out.ok) {
      expect((out.error as Error).name).toBe("JobCancelled");
      expect((out.error as Error).message).toMatch(/no longer RUNNING/);
    }
  });

  it("after a cancel, the final flush hands the counts the job reached to writeCancelledCounts, once", async () => {
    let running = true;
    const sink = new RecordingSink(() => running);
    const flushed: unknown[] = [];
    const withFlush: ProgressSink = {
      write: (s) => sink.write(s),
      writeCancelledCounts: async (counts) => {
        flushed.push(structuredClone(counts));
        return true;
      },
    };
    const external = new AbortController();
    const def = job(async (ctx) => {
      ctx.count.input(10);
      await sleep(1500);
      // Reached after the last write the store accepted, before the cancel arrived.
      ctx.count.input(5);
      ctx.count.skipped("invalid_row", 2);
      await new Promise<void>((resolve) => ctx.signal.addEventListener("abort", () => resolve()));
      ctx.throwIfCancelled();
    });
    const { settled } = start(def, { sink: withFlush, signal: external.signal, minWriteIntervalMs: 1000 });
    await vi.advanceTimersByTimeAsync(1600);
    running = false; // the run is CANCELLED: the store refuses progress now
    external.abort();
    await vi.advanceTimersByTimeAsync(100);
    const out = await settled;
    expect(out.ok).toBe(false);
    expect(flushed).toEqual([
      expect.objectContaining({ input_count: 15, skipped_count: 2, skip_breakdown: { invalid_row: 2 } }),
    ]);
  });

  it("a run that stays RUNNING to the end flushes no cancelled counts", async () => {
    const sink = new RecordingSink(() => true);
    let flushes = 0;
    const withFlush: ProgressSink = {
      write: (s) => sink.write(s),
      writeCancelledCounts: async () => {
        flushes++;
        return true;
      },
    };
    const { settled } = start(
      job(async (ctx) => ctx.count.input(3)),
      { sink: withFlush },
    );
    await vi.advanceTimersByTimeAsync(100);
    expect((await settled).ok).toBe(true);
    expect(flushes).toBe(0);
  });

  it("fails with JobCancelled after run() returns if the run was cancelled meanwhile", async () => {
    const sink = new RecordingSink(() => false);
    const def = job(async (ctx) => {
      ctx.progress({ current: 1 });
      await sleep(50); // ignores the signal
    });
    const { settled } = start(def, { sink });
    await vi.advanceTimersByTimeAsync(100);
    const out = await settled;
    expect(out.ok).toBe(false);
    if (!out.ok) expect((out.error as Error).name).toBe("JobCancelled");
  });

  it("aborts ctx.signal when timeoutSeconds elapse", async () => {
    const sink = new RecordingSink();
    let aborted = false;
    const def = job(async (ctx) => {
      await new Promise<void>((resolve) => ctx.signal.addEventListener("abort", () => resolve()));
      aborted = true;
      ctx.throwIfCancelled();
    });
    const { settled } = start(def, { sink }, { timeoutSeconds: 2 });
    await vi.advanceTimersByTimeAsync(1999);
    expect(aborted).toBe(false);
    await vi.advanceTimersByTimeAsync(1);
    const out = await settled;
    expect(aborted).toBe(true);
    expect(out.ok).toBe(false);
    if (!out.ok) {
      expect((out.error as Error).name).toBe("JobCancelled");
      expect((out.error as Error).message).toMatch(/timed out after 2 s/);
    }
  });

  it("aborts ctx.signal when the external signal aborts", async () => {
    const sink = new RecordingSink();
    const external = new AbortController();
    let reason: unknown;
    const def = job(async (ctx) => {
      await new Promise<void>((resolve) => ctx.signal.addEventListener("abort", () => resolve()));
      reason = ctx.signal.reason;
      ctx.throwIfCancelled();
    });
    const { settled } = start(def, { sink, signal: external.signal });
    await vi.advanceTimersByTimeAsync(100);
    expect(reason).toBeUndefined();
    external.abort();
    await vi.advanceTimersByTimeAsync(10);
    const out = await settled;
    expect((reason as Error).name).toBe("JobCancelled");
    expect((reason as Error).message).toMatch(/execution stopped/);
    expect(out.ok).toBe(false);
  });

  it("starts already aborted when the external signal was aborted before the start", async () => {
    const sink = new RecordingSink();
    let abortedAtStart: boolean | null = null;
    const def = job(async (ctx) => {
      abortedAtStart = ctx.signal.aborted;
    });
    const { settled } = start(def, { sink, signal: AbortSignal.abort() });
    await vi.advanceTimersByTimeAsync(10);
    const out = await settled;
    expect(abortedAtStart).toBe(true);
    expect(out.ok).toBe(false);
  });

  it("a sink that throws does not fail the job", async () => {
    const { logger, lines } = recordingLogger();
    const sink: ProgressSink = {
      write: vi.fn(async () => {
        throw new Error("store down");
      }),
    };
    const def = job(async (ctx) => {
      for (let i = 0; i < 5; i++) {
        ctx.count.inserted();
        await sleep(400);
      }
    });
    const { settled } = start(def, { sink, logger });
    await vi.advanceTimersByTimeAsync(3000);
    const out = await settled;
    if (!out.ok) throw out.error;
    expect(out.value.counts.inserted_count).toBe(5);
    expect(vi.mocked(sink.write).mock.calls.length).toBeGreaterThanOrEqual(2);
    expect(lines.some((l) => l.level === "warn" && l.message === "progress write failed")).toBe(true);
  });
});

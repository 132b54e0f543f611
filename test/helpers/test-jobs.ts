// Jobs that exist only in tests: they make failures, retries, slowness and per-params
// concurrency happen on purpose. Stacks under test register them beside the real registry.
import * as z from "zod/mini";
import { JOBS } from "#jobs/all-jobs.ts";
import { defineJob } from "#jobs/define-job.ts";

const sleep = (ms: number, signal: AbortSignal) =>
  new Promise<void>((resolve) => {
    const onAbort = () => {
      clearTimeout(t);
      resolve();
    };
    const t = setTimeout(() => {
      signal.removeEventListener("abort", onAbort);
      resolve();
    }, ms);
    signal.addEventListener("abort", onAbort, { once: true });
  });

export const LONG_ERROR = `upstream returned 503 Service Unavailable\n${"x".repeat(700)}`;

export const alwaysFails = defineJob({
  name: "test.always_fails",
  description: { ja: "毎回の試行で例外を投げます", en: "throws on every attempt" },
  category: "test",
  data_sources: ["nowhere"],
  parameters: z.object({}),
  retry: { attempts: 3, backoff_seconds: 0, backoff_rate: 1 },
  async run(ctx) {
    ctx.count.input(1);
    throw new Error(LONG_ERROR);
  },
});

export const flaky = defineJob({
  name: "test.flaky",
  description: { ja: "最初の試行だけ失敗します", en: "fails on its first attempt only" },
  category: "test",
  data_sources: ["flaky_api"],
  parameters: z.object({}),
  retry: { attempts: 2, backoff_seconds: 1, backoff_rate: 1 },
  async run(ctx) {
    if (ctx.attempt === 1) throw new Error("transient failure on attempt 1");
    ctx.count.input(3);
    ctx.count.inserted(3);
  },
});

export const slow = defineJob({
  name: "test.slow",
  description: {
    ja: "キャンセルされない限り `ms` ミリ秒動きます",
    en: "runs for `ms` milliseconds unless cancelled",
  },
  category: "test",
  data_sources: ["clock"],
  parameters: z.strictObject({ ms: z._default(z.number().check(z.int(), z.minimum(0)), 3000) }),
  timeout_seconds: 60,
  async run(ctx) {
    const steps = Math.max(1, Math.ceil(ctx.params.ms / 50));
    for (let i = 0; i < steps; i++) {
      ctx.throwIfCancelled();
      ctx.progress({ current: i, total: steps, message: `tick ${i}` });
      await sleep(50, ctx.signal);
    }
    ctx.count.input(steps);
  },
});

export const perParams = defineJob({
  name: "test.per_params",
  description: { ja: "パラメータごとに 1 件ずつ実行します", en: "one run per distinct params" },
  category: "test",
  data_sources: ["clock"],
  concurrency: "params",
  parameters: z.strictObject({ key: z.string(), ms: z._default(z.number(), 1500) }),
  async run(ctx) {
    await sleep(ctx.params.ms, ctx.signal);
  },
});

/** A worker that hangs: it ignores the cancellation signal and outlives its 1 s timeout. */
export const hangs = defineJob({
  name: "test.hangs",
  description: {
    ja: "キャンセルを無視してタイムアウトを過ぎても止まりません",
    en: "hangs past its timeout, ignoring cancellation",
  },
  category: "test",
  data_sources: ["black_hole"],
  parameters: z.strictObject({ ms: z._default(z.number().check(z.int(), z.minimum(0)), 5000) }),
  timeout_seconds: 1,
  retry: { attempts: 1, backoff_seconds: 0, backoff_rate: 1 },
  async run(ctx) {
    ctx.progress({ message: "waiting for an answer that never comes" });
    await new Promise((r) => setTimeout(r, ctx.params.ms));
  },
});

/** Issue 16 part 2: reports its logical time (ctx.scheduledFor) and runs for `ms`; one slot per params. */
export const logicalTime = defineJob({
  name: "test.logical_time",
  description: {
    ja: "論理時刻を報告し `ms` ミリ秒動きます",
    en: "reports its logical time and runs for `ms` milliseconds",
  },
  category: "test",
  data_sources: ["clock"],
  concurrency: "params",
  parameters: z.strictObject({ ms: z._default(z.number().check(z.int(), z.minimum(0)), 400) }),
  async run(ctx) {
    ctx.progress({ message: `for ${ctx.scheduledFor.toISOString()}` });
    await sleep(ctx.params.ms, ctx.signal);
  },
});

export const TEST_JOBS = [alwaysFails, flaky, slow, perParams, hangs, logicalTime];
export const ALL_TEST_REGISTRY = [...JOBS, ...TEST_JOBS];

// Anomaly flags on counters (issue 16 part 3): the rule, the run's end that records it, and the one
// alert on the failures' channel.
import { describe, expect, it } from "vitest";
import * as z from "zod/mini";
import type { JobDefinition } from "#domain/jobs/job-definition.ts";
import { alertOnFailure } from "#domain/runs/failure-alerts.ts";
import { ANOMALY_DEFAULTS, evaluateAnomalies, median } from "#domain/runs/run-anomalies.ts";
import { RunFinisher } from "#domain/runs/run-finisher.ts";
import { defineJob } from "#jobs/define-job.ts";
import { demoJob } from "#test/fakes/fake-jobs.ts";
import { MemoryAlertPublisher } from "#test/fakes/memory-alert-publisher.ts";
import { memoryCore } from "#test/fakes/memory-core.ts";
import { aFinishedRun, aRun } from "#test/helpers/builders.ts";

const NOW = "2026-03-10T09:00:00.000Z";
const DAY = 86_400_000;
const daysBefore = (d: number) => new Date(Date.parse(NOW) - d * DAY).toISOString();
const counts = (input: number, inserted = input) => ({
  input_count: input,
  inserted_count: inserted,
  updated_count: 0,
  skipped_count: 0,
  error_count: 0,
  skip_breakdown: null,
});

describe("the anomaly rule", () => {
  const history = [4400, 4380, 4420, 4410, 4390].map((n) => ({ input_count: n, inserted_count: n }));

  it("flags a drop of 90 % or more against the median, with counter, value, baseline, ratio and rule", () => {
    expect(median([4400, 4380, 4420, 4410, 4390])).toBe(4400);
    expect(evaluateAnomalies(ANOMALY_DEFAULTS, { input_count: 300, inserted_count: 4400 }, history)).toEqual([
      { counter: "input_count", value: 300, baseline: 4400, ratio: 0.0682, rule: "drop>=90%" },
    ]);
    // exactly 10 % of the baseline is a 90 % drop
    expect(evaluateAnomalies(ANOMALY_DEFAULTS, { input_count: 440 }, history)).toHaveLength(1);
  });

  it("does not flag a normal run, nor a drop short of the rule", () => {
    expect(evaluateAnomalies(ANOMALY_DEFAULTS, { input_count: 4300, inserted_count: 4100 }, history)).toEqual(
      [],
    );
    expect(evaluateAnomalies(ANOMALY_DEFAULTS, { input_count: 441 }, history)).toEqual([]);
  });

  it("flags a rise of 10× or more", () => {
    expect(evaluateAnomalies(ANOMALY_DEFAULTS, { inserted_count: 44_000 }, history)).toEqual([
      { counter: "inserted_count", value: 44_000, baseline: 4400, ratio: 10, rule: "rise>=10x" },
    ]);
    expect(evaluateAnomalies(ANOMALY_DEFAULTS, { inserted_count: 43_999 }, history)).toEqual([]);
  });

  it("flags nothing with fewer than min_history runs, or a baseline of 0", () => {
    expect(evaluateAnomalies(ANOMALY_DEFAULTS, { input_count: 1 }, history.slice(0, 2))).toEqual([]);
    const zeros = [0, 0, 0].map(() => ({ input_count: 0 }));
    expect(evaluateAnomalies(ANOMALY_DEFAULTS, { input_count: 500 }, zeros)).toEqual([]);
  });

  it("follows a job's own rule", () => {
    const watch = { ...ANOMALY_DEFAULTS, counters: ["error_count"], rise: 3, min_history: 2 };
    const h = [{ error_count: 10 }, { error_count: 12 }];
    expect(evaluateAnomalies(watch, { error_count: 33, input_count: 0 }, h)).toEqual([
      { counter: "error_count", value: 33, baseline: 11, ratio: 3, rule: "rise>=3x" },
    ]);
  });

  it("defineJob refuses a bad watch", () => {
    const base = {
      name: "t.job",
      description: "t",
      category: "demo",
      data_sources: [],
      parameters: z.strictObject({}),
      run: async () => {},
    };
    expect(() => defineJob({ ...base, anomaly_watch: { ...ANOMALY_DEFAULTS, counters: ["nope"] } })).toThrow(
      /anomaly_watch.counters: nope/,
    );
    expect(() => defineJob({ ...base, anomaly_watch: { ...ANOMALY_DEFAULTS, drop: 1.5 } })).toThrow(
      /anomaly_watch.drop/,
    );
    expect(() => defineJob({ ...base, anomaly_watch: { ...ANOMALY_DEFAULTS, rise: 1 } })).toThrow(
      /anomaly_watch.rise/,
    );
    expect(() => defineJob({ ...base, anomaly_watch: { ...ANOMALY_DEFAULTS, min_history: 0 } })).toThrow(
      /min_history/,
    );
    expect(defineJob({ ...base, anomaly_watch: false }).anomaly_watch).toBe(false);
  });
});

describe("a run's end records its anomalies and alerts once", () => {
  function setup(historyInputs: number[], jobs: JobDefinition[] = [demoJob]) {
    const core = memoryCore({ now: NOW, jobs });
    const publisher = new MemoryAlertPublisher();
    core.onRunFinished = alertOnFailure(publisher, "https://jobdeck.example", core.logger);
    core.runs.seed(
      ...historyInputs.map((n, i) =>
        aFinishedRun("SUCCESS", { job_name: jobs[0]?.name, started_at: daysBefore(i + 1), ...counts(n) }),
      ),
      // a failure far off the normal is no part of the baseline
      aFinishedRun("FAILURE", { job_name: jobs[0]?.name, started_at: daysBefore(0.5), ...counts(1) }),
      // nor a success outside the 7 days' window
      aFinishedRun("SUCCESS", { job_name: jobs[0]?.name, started_at: daysBefore(9), ...counts(1) }),
    );
    const run = aRun({ job_name: jobs[0]?.name, started_at: NOW });
    core.runs.seed(run);
    return { core, publisher, run, finisher: new RunFinisher(core) };
  }

  it("flags a run of 300 after five of ~4,400, alerts once naming counter, value and baseline", async () => {
    const { core, publisher, run, finisher } = setup([4400, 4380, 4420, 4410, 4390]);
    const done = await finisher.finish(run, ["RUNNING"], "SUCCESS", null, counts(300, 290));
    expect(done?.anomalies?.map((a) => [a.counter, a.value, a.baseline, a.rule])).toEqual([
      ["input_count", 300, 4400, "drop>=90%"],
      ["inserted_count", 290, 4400, "drop>=90%"],
    ]);
    expect((await core.runs.get(run.execution_uuid))?.anomalies).toHaveLength(2);
    // a second end (the reconciler, a retried write) moves nothing and alerts nothing
    await finisher.finish(run, ["RUNNING"], "SUCCESS", null, counts(300, 290));
    expect(publisher.published).toHaveLength(1);
    const alert = publisher.published[0];
    expect(alert?.kind).toBe("anomaly");
    expect(alert?.message).toContain("input_count 300 vs baseline 4400 (drop>=90%)");
    expect(alert?.message).toContain(`https://jobdeck.example/runs/${run.execution_uuid}`);
    expect((await core.runs.list({ anomaly: true }, 10, null)).runs.map((r) => r.execution_uuid)).toEqual([
      run.execution_uuid,
    ]);
  });

  it("does not flag or alert a normal run", async () => {
    const { publisher, run, finisher } = setup([4400, 4380, 4420, 4410, 4390]);
    const done = await finisher.finish(run, ["RUNNING"], "SUCCESS", null, counts(4350));
    expect(done?.anomalies).toBeNull();
    expect(publisher.published).toEqual([]);
  });

  it("does not flag with fewer than min_history successful runs in the window", async () => {
    const { publisher, run, finisher } = setup([4400, 4380]);
    const done = await finisher.finish(run, ["RUNNING"], "SUCCESS", null, counts(300));
    expect(done?.anomalies).toBeNull();
    expect(publisher.published).toEqual([]);
  });

  it("flags a rise of 10×", async () => {
    const { run, finisher } = setup([4400, 4380, 4420]);
    const done = await finisher.finish(run, ["RUNNING"], "SUCCESS", null, counts(4400, 50_000));
    expect(done?.anomalies).toEqual([
      { counter: "inserted_count", value: 50_000, baseline: 4400, ratio: 11.3636, rule: "rise>=10x" },
    ]);
  });

  it("evaluates SUCCESS only: a failure alerts as a failure, not as an anomaly", async () => {
    const { publisher, run, finisher } = setup([4400, 4380, 4420, 4410, 4390]);
    const done = await finisher.finish(run, ["RUNNING"], "FAILURE", "boom", counts(300));
    expect(done?.anomalies).toBeNull();
    expect(publisher.published.map((a) => a.kind ?? "failure")).toEqual(["failure"]);
  });

  it("a job with anomaly_watch: false is never flagged", async () => {
    const off = defineJob({ ...demoJob, name: "quiet.job", description: "q", anomaly_watch: false });
    const { run, finisher } = setup([4400, 4380, 4420, 4410, 4390], [off]);
    const done = await finisher.finish(run, ["RUNNING"], "SUCCESS", null, counts(300));
    expect(done?.anomalies).toBeNull();
  });
});

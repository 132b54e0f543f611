// The Powertools JobLogger (JSON lines with the extra keys at top level) and the run metrics hook
// (EMF records on stdout), captured from process.stdout / stderr.
import { afterEach, describe, expect, it, vi } from "vitest";
import { createMetrics, createPowertoolsLogger, runFinishedMetrics } from "#adapters/powertools-logger.ts";
import { bindLogger } from "#domain/logging.ts";
import type { Run } from "#schemas/run.ts";
import { aRun } from "#test/helpers/builders.ts";

/** What Powertools writes (stdout; warnings and errors go to stderr), one parsed object per line. */
function captureStdout(): { lines: () => Record<string, unknown>[]; restore: () => void } {
  const chunks: string[] = [];
  const write = (chunk: unknown) => {
    chunks.push(String(chunk));
    return true;
  };
  const spies = [
    vi.spyOn(process.stdout, "write").mockImplementation(write),
    vi.spyOn(process.stderr, "write").mockImplementation(write),
  ];
  return {
    lines: () =>
      chunks
        .join("")
        .split("\n")
        .filter((l) => l.trim().startsWith("{"))
        .map((l) => JSON.parse(l) as Record<string, unknown>),
    restore: () => {
      for (const s of spies) s.mockRestore();
    },
  };
}

afterEach(() => {
  vi.restoreAllMocks();
  vi.unstubAllEnvs();
});

const UUID = "0f8fad5b-d9cb-469f-a165-70867728950e";

function run(over: Partial<Run> = {}): Run {
  return aRun({
    execution_uuid: UUID,
    job_name: "listed_companies.sync",
    status: "SUCCESS",
    duration_seconds: 12.5,
    inserted_count: 42,
    ...over,
  });
}

describe("PowertoolsJobLogger", () => {
  it("writes one JSON object per line, extra fields as top-level keys", () => {
    const out = captureStdout();
    const logger = createPowertoolsLogger({
      POWERTOOLS_LOG_LEVEL: "DEBUG",
      POWERTOOLS_SERVICE_NAME: "jobdeck-test",
    });
    const bound = bindLogger(logger, { execution_uuid: UUID, job_name: "recap.pipeline" });
    bound.info("worker started", { attempt: 2 });
    logger.warn("plain");
    out.restore();
    const [first, second] = out.lines();
    expect(first).toMatchObject({
      level: "INFO",
      message: "worker started",
      service: "jobdeck-test",
      execution_uuid: UUID,
      job_name: "recap.pipeline",
      attempt: 2,
    });
    expect(second).toMatchObject({ level: "WARN", message: "plain" });
    expect(second).not.toHaveProperty("execution_uuid");
  });

  it("takes JOBDECK_LOG_LEVEL when Powertools has no level of its own", () => {
    const out = captureStdout();
    const logger = createPowertoolsLogger({ JOBDECK_LOG_LEVEL: "error" });
    logger.info("hidden");
    logger.error("shown");
    out.restore();
    expect(out.lines().map((l) => l.message)).toEqual(["shown"]);
    expect(logger.powertools.getLevelName()).toBe("ERROR");
  });
});

describe("runFinishedMetrics", () => {
  it("publishes RunsFinished by job and status, and the run's figures by job, at once", () => {
    const out = captureStdout();
    const hook = runFinishedMetrics(createMetrics({ POWERTOOLS_METRICS_NAMESPACE: "jobdeck-test" }));
    hook(run());
    out.restore();
    const [counted, figures] = out.lines();
    expect(counted).toMatchObject({
      _aws: {
        CloudWatchMetrics: [
          {
            Namespace: "jobdeck-test",
            Dimensions: [["job_name", "status"]],
            Metrics: [{ Name: "RunsFinished", Unit: "Count" }],
          },
        ],
      },
      job_name: "listed_companies.sync",
      status: "SUCCESS",
      RunsFinished: 1,
    });
    expect(counted).not.toHaveProperty("service");
    expect(figures).toMatchObject({
      _aws: {
        CloudWatchMetrics: [
          {
            Namespace: "jobdeck-test",
            Dimensions: [["job_name"]],
            Metrics: [
              { Name: "RunDurationSeconds", Unit: "Seconds" },
              { Name: "RunInsertedCount", Unit: "Count" },
              { Name: "RunFailures", Unit: "Count" },
            ],
          },
        ],
      },
      job_name: "listed_companies.sync",
      execution_uuid: UUID,
      RunDurationSeconds: 12.5,
      RunInsertedCount: 42,
      RunFailures: 0,
    });
    expect(figures).not.toHaveProperty("status");
  });

  it.each([
    ["FAILURE", 1],
    ["TIMED_OUT", 1],
    ["CANCELLED", 0],
    ["SKIPPED", 0],
  ] as const)("counts a %s run as %i failure", (status, failures) => {
    const out = captureStdout();
    runFinishedMetrics(createMetrics({}))(run({ status, duration_seconds: null }));
    out.restore();
    const figures = out.lines()[1]!;
    expect(figures.RunFailures).toBe(failures);
    expect(figures).not.toHaveProperty("RunDurationSeconds");
    expect(
      (figures._aws as { CloudWatchMetrics: { Namespace: string }[] }).CloudWatchMetrics[0]!.Namespace,
    ).toBe("jobdeck");
  });

  it("never throws: a metrics failure is logged", () => {
    const metrics = createMetrics({});
    vi.spyOn(metrics, "publishStoredMetrics").mockImplementation(() => {
      throw new Error("stdout closed");
    });
    const warn = vi.fn();
    const hook = runFinishedMetrics(metrics, { debug() {}, info() {}, warn, error() {} });
    expect(() => hook(run())).not.toThrow();
    expect(warn).toHaveBeenCalledWith("run metrics not published", {
      execution_uuid: UUID,
      error: "stdout closed",
    });
  });
});

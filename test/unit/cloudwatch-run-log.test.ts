// The AWS reader of a run's log lines (issue 14, problem 3): FilterLogEvents over the steps and
// worker log groups of the run's job, filtered by its execution_uuid, merged oldest first, paged
// without loss or repeats, Powertools JSON and Lambda's text lines both read.
import { CloudWatchLogsClient, FilterLogEventsCommand } from "@aws-sdk/client-cloudwatch-logs";
import { mockClient } from "aws-sdk-client-mock";
import { beforeEach, describe, expect, it } from "vitest";
import { CloudWatchRunLog } from "#adapters/cloudwatch-run-log.ts";
import type { RunLogRequest } from "#ports/run-log-reader.ts";

const cw = mockClient(CloudWatchLogsClient);
const UUID = "0b9f1a7e-2c4d-4e5f-8a9b-0c1d2e3f4a5b";
const STEPS = "/aws/lambda/jobdeck-WorkflowSteps";
const WORKER = "/aws/lambda/jobdeck-WorkerListed";
const T0 = Date.parse("2026-11-23T02:30:00.000Z");

const json = (ms: number, level: string, message: string, extra: Record<string, unknown> = {}) => ({
  eventId: `e${ms}`,
  timestamp: T0 + ms,
  message: JSON.stringify({
    level,
    message,
    timestamp: new Date(T0 + ms).toISOString(),
    service: "jobdeck",
    execution_uuid: UUID,
    xray_trace_id: "1-abc",
    ...extra,
  }),
});

const request = (over: Partial<RunLogRequest> = {}): RunLogRequest => ({
  execution_uuid: UUID,
  job_name: "listed_companies.sync",
  started_at: new Date(T0).toISOString(),
  finished_at: new Date(T0 + 60_000).toISOString(),
  limit: 100,
  after: null,
  ...over,
});

const reader = () =>
  new CloudWatchRunLog(cw as unknown as CloudWatchLogsClient, {
    groups: { "listed_companies.sync": [STEPS, WORKER] },
  });

beforeEach(() => cw.reset());

describe("CloudWatchRunLog", () => {
  it("asks each log group of the job for the lines carrying the run's id, within the run's window", async () => {
    cw.on(FilterLogEventsCommand).resolves({ events: [] });
    await reader().read(request());
    const calls = cw.commandCalls(FilterLogEventsCommand).map((c) => c.args[0].input);
    expect(calls.map((c) => c.logGroupName).sort()).toEqual([WORKER, STEPS].sort());
    for (const c of calls) {
      expect(c.filterPattern).toBe(`"${UUID}"`);
      expect(c.startTime).toBe(T0 - 60_000);
      expect(c.endTime).toBe(T0 + 60_000 + 5 * 60_000);
    }
  });

  it("merges both groups oldest first, with time, level, message and selected fields", async () => {
    cw.on(FilterLogEventsCommand, { logGroupName: STEPS }).resolves({
      events: [
        json(0, "INFO", "run started"),
        json(3000, "WARN", "attempt failed, retrying", { attempt: 1 }),
      ],
    });
    cw.on(FilterLogEventsCommand, { logGroupName: WORKER }).resolves({
      events: [
        json(1000, "INFO", "stage started", { stage: "fetch" }),
        {
          eventId: "t1",
          timestamp: T0 + 2000,
          message: `2026-11-23T02:30:02.000Z\treq-1\tERROR\tInvoke Error ${UUID} boom`,
        },
      ],
    });
    const page = await reader().read(request());
    expect(page.next).toBeNull();
    expect(page.lines.map((l) => [l.message, l.level])).toEqual([
      ["run started", "INFO"],
      ["stage started", "INFO"],
      [`Invoke Error ${UUID} boom`, "ERROR"],
      ["attempt failed, retrying", "WARN"],
    ]);
    expect(page.lines[1]).toEqual({
      logged_at: "2026-11-23T02:30:01.000Z",
      level: "INFO",
      message: "stage started",
      fields: { stage: "fetch" },
    });
  });

  it("pages without losing or repeating a line, also when a group has more than one page left", async () => {
    const all = Array.from({ length: 7 }, (_, i) => json(i * 1000, "INFO", `line ${i}`));
    // The worker group answers two lines at a time with a token for the rest.
    cw.on(FilterLogEventsCommand, { logGroupName: STEPS }).resolves({ events: [] });
    cw.on(FilterLogEventsCommand, { logGroupName: WORKER }).callsFake((input) => {
      const from = all.filter((e) => e.timestamp >= (input.startTime ?? 0));
      const skip = input.nextToken ? Number(input.nextToken) : 0;
      const events = from.slice(skip, skip + 2);
      return { events, nextToken: skip + 2 < from.length ? String(skip + 2) : undefined };
    });
    const seen: string[] = [];
    let after: RunLogRequest["after"] = null;
    for (let i = 0; i < 10; i++) {
      const page = await reader().read(request({ limit: 3, after }));
      seen.push(...page.lines.map((l) => l.message));
      after = page.next;
      if (!after) break;
    }
    expect(seen).toEqual(all.map((_, i) => `line ${i}`));
  });

  it("answers nothing for a job without log groups", async () => {
    const page = await new CloudWatchRunLog(cw as unknown as CloudWatchLogsClient, { groups: {} }).read(
      request(),
    );
    expect(page).toEqual({ lines: [], next: null });
    expect(cw.commandCalls(FilterLogEventsCommand)).toHaveLength(0);
  });
});

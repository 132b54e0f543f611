// The AWS side of failure alerts: one SNS Publish to the alarm topic per FAILURE / TIMED_OUT run,
// with the job, status and run link; a failed publish never fails the run's end.
import { PublishCommand, SNSClient } from "@aws-sdk/client-sns";
import { mockClient } from "aws-sdk-client-mock";
import { beforeEach, describe, expect, it } from "vitest";
import { SnsAlertPublisher } from "#adapters/sns-alert-publisher.ts";
import type { JobLogger } from "#domain/jobs/job-definition.ts";
import { alertOnFailure, failureAlertFor } from "#domain/runs/failure-alerts.ts";
import type { Run, RunStatus } from "#schemas/run.ts";
import { aRun } from "#test/helpers/builders.ts";

const sns = mockClient(SNSClient);
const TOPIC = "arn:aws:sns:ap-northeast-1:123456789012:jobdeck-alarms";
const SITE = "https://d111.cloudfront.net";

function run(status: RunStatus): Run {
  return aRun({
    execution_uuid: "0b9f1a7e-2c4d-4e5f-8a9b-0c1d2e3f4a5b",
    job_name: "listed_companies.sync",
    data_source: ["jquants_listed_info"],
    trigger_source: "schedule",
    started_at: "2026-11-23T02:30:00.000Z",
    status,
    finished_at: "2026-11-23T02:31:00Z",
    error_summary: status === "SUCCESS" ? null : "upstream answered 503",
  });
}

const errors: string[] = [];
const logger: JobLogger = { debug() {}, info() {}, warn() {}, error: (m) => errors.push(m) };

beforeEach(() => {
  sns.reset();
  errors.length = 0;
});

describe("failure alerts on SNS", () => {
  it("publishes FAILURE and TIMED_OUT to the alarm topic with subject, link, summary and attributes", async () => {
    sns.on(PublishCommand).resolves({ MessageId: "m1" });
    const hook = alertOnFailure(
      new SnsAlertPublisher(new SNSClient({ region: "ap-northeast-1" }), TOPIC),
      SITE,
      logger,
    );
    for (const s of ["FAILURE", "TIMED_OUT", "SUCCESS", "CANCELLED", "SKIPPED"] as const) await hook(run(s));
    const calls = sns.commandCalls(PublishCommand).map((c) => c.args[0].input);
    expect(calls).toHaveLength(2);
    expect(calls[0]).toMatchObject({
      TopicArn: TOPIC,
      Subject: "[jobdeck] listed_companies.sync FAILURE",
      MessageAttributes: {
        job_name: { DataType: "String", StringValue: "listed_companies.sync" },
        status: { DataType: "String", StringValue: "FAILURE" },
      },
    });
    expect(calls[0]?.Message).toContain(`Run: ${SITE}/runs/0b9f1a7e-2c4d-4e5f-8a9b-0c1d2e3f4a5b`);
    expect(calls[0]?.Message).toContain("Error: upstream answered 503");
    expect(calls[1]?.Subject).toBe("[jobdeck] listed_companies.sync TIMED_OUT");
  });

  it("a publish that fails is logged, not thrown", async () => {
    sns.on(PublishCommand).rejects(new Error("AuthorizationError"));
    const hook = alertOnFailure(
      new SnsAlertPublisher(new SNSClient({ region: "ap-northeast-1" }), TOPIC),
      SITE,
      logger,
    );
    await expect(hook(run("FAILURE"))).resolves.toBeUndefined();
    expect(errors).toEqual(["failure alert not sent"]);
  });

  it("keeps the subject within SNS's 100 characters", () => {
    const long = { ...run("FAILURE"), job_name: `a${".b".repeat(60)}` };
    expect(failureAlertFor(long, null)?.subject.length).toBeLessThanOrEqual(100);
    expect(failureAlertFor(long, null)?.run_url).toBeNull();
  });
});

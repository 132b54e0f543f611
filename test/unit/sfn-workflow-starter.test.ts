// SfnWorkflowStarter against a mocked SFNClient (aws-sdk-client-mock).
import {
  DescribeExecutionCommand,
  ExecutionAlreadyExists,
  ExecutionDoesNotExist,
  ExecutionLimitExceeded,
  InvalidArn,
  InvalidExecutionInput,
  InvalidName,
  MissingRequiredParameter,
  SFNClient,
  StartExecutionCommand,
  StopExecutionCommand,
  ValidationException,
} from "@aws-sdk/client-sfn";
import { mockClient } from "aws-sdk-client-mock";
import { afterAll, beforeEach, describe, expect, it } from "vitest";
import { logsInsightsUrl, runLogsQuery, SfnWorkflowStarter } from "#adapters/sfn-workflow-starter.ts";
import { ValidationError } from "#domain/errors.ts";
import type { WorkflowInput } from "#ports/workflow-starter.ts";

const sfn = mockClient(SFNClient);
const client = new SFNClient({
  region: "ap-northeast-1",
  credentials: { accessKeyId: "x", secretAccessKey: "x" },
});

const REGION = "ap-northeast-1";
const SM = "arn:aws:states:ap-northeast-1:123456789012:stateMachine:jobdeck-recap_pipeline";
const UUID = "0f8fad5b-d9cb-469f-a165-70867728950e";
const EXEC = `arn:aws:states:ap-northeast-1:123456789012:execution:jobdeck-recap_pipeline:${UUID}`;
const NOW = new Date("2025-07-15T12:00:00.000Z");
const GROUPS = ["/aws/lambda/jobdeck-WorkflowSteps", "/aws/lambda/jobdeck-WorkerRecapPipeline"];

const starter = (groups: string[] = GROUPS) =>
  new SfnWorkflowStarter(client, {
    stateMachineArns: { "recap.pipeline": SM },
    region: REGION,
    logsInsightsGroups: groups,
    now: () => NOW,
  });

const INPUT: WorkflowInput = {
  job_name: "recap.pipeline",
  execution_uuid: UUID,
  params: { max_per_genre: 3 },
  trigger_source: "manual",
  triggered_by: "ops@example.test",
};

beforeEach(() => sfn.reset());
afterAll(() => sfn.restore());

describe("executionArnFor", () => {
  it("forms the execution ARN Step Functions gives a start of that name (cancel before the ARN is recorded)", () => {
    expect(starter().executionArnFor("recap.pipeline", UUID)).toBe(EXEC);
  });
});

describe("start", () => {
  it("starts the job's state machine, named by the execution_uuid, with the input as JSON", async () => {
    sfn.on(StartExecutionCommand).resolves({ executionArn: EXEC, startDate: NOW });
    await expect(starter().start("recap.pipeline", UUID, INPUT)).resolves.toEqual({
      executionArn: EXEC,
      startDate: NOW.toISOString(),
    });
    const calls = sfn.commandCalls(StartExecutionCommand);
    expect(calls).toHaveLength(1);
    expect(calls[0]!.args[0].input).toEqual({
      stateMachineArn: SM,
      name: UUID,
      input: JSON.stringify(INPUT),
    });
  });

  it("refuses a job without a state machine, naming the known ones", async () => {
    await expect(starter().start("nope", UUID, { ...INPUT, job_name: "nope" })).rejects.toThrow(
      "no state machine for job 'nope' (STATE_MACHINE_ARNS knows recap.pipeline)",
    );
    // not even an inherited property of the map
    await expect(starter().start("toString", UUID, INPUT)).rejects.toThrow(/no state machine/);
    expect(sfn.calls()).toHaveLength(0);
  });

  it("rethrows ExecutionAlreadyExists under its name", async () => {
    sfn
      .on(StartExecutionCommand)
      .rejects(new ExecutionAlreadyExists({ message: "Execution Already Exists", $metadata: {} }));
    const err: Error = await starter()
      .start("recap.pipeline", UUID, INPUT)
      .then(
        () => new Error("started"),
        (e: unknown) => e as Error,
      );
    expect(err).toBeInstanceOf(Error);
    expect(err.name).toBe("ExecutionAlreadyExists");
    expect(err.message).toContain(UUID);
    expect((err.cause as Error).name).toBe("ExecutionAlreadyExists");
  });

  it("passes other errors through", async () => {
    sfn.on(StartExecutionCommand).rejects(new InvalidArn({ message: "bad arn", $metadata: {} }));
    await expect(starter().start("recap.pipeline", UUID, INPUT)).rejects.toMatchObject({
      name: "InvalidArn",
    });
  });
});

describe("a Step Functions validation error reaches the client as 400, not 500 internal_error", () => {
  it.each([
    [
      "InvalidExecutionInput",
      () => new InvalidExecutionInput({ message: "Provided input is too big", $metadata: {} }),
    ],
    ["InvalidName", () => new InvalidName({ message: "Invalid Execution Name", $metadata: {} })],
    ["ValidationException", () => new ValidationException({ message: "1 validation error", $metadata: {} })],
    [
      "MissingRequiredParameter",
      () => new MissingRequiredParameter({ message: "input missing", $metadata: {} }),
    ],
  ] as const)("StartExecution's %s is a ValidationError with the service's message", async (_name, make) => {
    const cause = make();
    sfn.on(StartExecutionCommand).rejects(cause);
    const err = await starter()
      .start("recap.pipeline", UUID, INPUT)
      .then(
        () => null,
        (e: unknown) => e,
      );
    expect(err).toBeInstanceOf(ValidationError);
    expect(err).toMatchObject({ status: 400, code: "invalid_request" });
    expect((err as ValidationError).message).toContain(cause.message);
    expect((err as ValidationError).details).toEqual([{ field: "params", message: cause.message }]);
  });

  it("throttling and quota errors are not the client's: they pass on unchanged", async () => {
    sfn.on(StartExecutionCommand).rejects(new ExecutionLimitExceeded({ message: "too many", $metadata: {} }));
    const err = await starter()
      .start("recap.pipeline", UUID, INPUT)
      .then(
        () => null,
        (e: unknown) => e,
      );
    expect(err).not.toBeInstanceOf(ValidationError);
    expect(err).toMatchObject({ name: "ExecutionLimitExceeded" });
  });
});

describe("stop and describe", () => {
  it("stops with the cause, cut to the API limit", async () => {
    sfn.on(StopExecutionCommand).resolves({ stopDate: NOW });
    await starter().stop(EXEC, "x".repeat(40_000));
    const input = sfn.commandCalls(StopExecutionCommand)[0]!.args[0].input;
    expect(input.executionArn).toBe(EXEC);
    expect(input.cause).toHaveLength(32_768);
  });

  it("treats a missing execution as nothing to stop", async () => {
    sfn.on(StopExecutionCommand).rejects(new ExecutionDoesNotExist({ message: "no", $metadata: {} }));
    await expect(starter().stop(EXEC, "why")).resolves.toBeUndefined();
  });

  it.each([
    ["RUNNING", "RUNNING"],
    ["SUCCEEDED", "SUCCEEDED"],
    ["FAILED", "FAILED"],
    ["TIMED_OUT", "TIMED_OUT"],
    ["ABORTED", "ABORTED"],
    ["PENDING_REDRIVE", "RUNNING"],
    ["SOMETHING_NEW", "UNKNOWN"],
  ] as const)("maps status %s to %s", async (status, expected) => {
    sfn.on(DescribeExecutionCommand).resolves({ status: status as never, executionArn: EXEC });
    await expect(starter().describe(EXEC)).resolves.toBe(expected);
  });

  it("describes a missing execution as UNKNOWN", async () => {
    sfn.on(DescribeExecutionCommand).rejects(new ExecutionDoesNotExist({ message: "no", $metadata: {} }));
    await expect(starter().describe(EXEC)).resolves.toBe("UNKNOWN");
  });
});

/** Reverses the console encoding of the queryDetail fragment (for the assertions). */
function decodeQueryDetail(url: string): string {
  const fragment = url.split("#logsV2:logs-insights")[1] ?? "";
  const once = decodeURIComponent(fragment.replace(/\$/g, "%"));
  expect(once.startsWith("?queryDetail=")).toBe(true);
  return decodeURIComponent(once.slice("?queryDetail=".length));
}
const consoleString = (s: string) => decodeURIComponent(s.replace(/\*/g, "%"));

describe("links", () => {
  it("links the execution in the Step Functions console", () => {
    expect(starter().links(EXEC, UUID).console_url).toBe(
      `https://ap-northeast-1.console.aws.amazon.com/states/home?region=ap-northeast-1#/v2/executions/details/${EXEC}`,
    );
  });

  it("links a Logs Insights query of the run's lines over the configured groups", () => {
    const url = starter().links(EXEC, UUID).logs_url!;
    expect(
      url.startsWith(
        "https://ap-northeast-1.console.aws.amazon.com/cloudwatch/home?region=ap-northeast-1#logsV2:logs-insights$3FqueryDetail$3D$257E$2528",
      ),
    ).toBe(true);
    // only characters the console leaves alone after its two rounds of encoding
    expect(url.split("#")[1]).toMatch(/^[A-Za-z0-9:$*._-]+$/);
    const detail = decodeQueryDetail(url);
    expect(detail).toBe(
      `~(end~'${"2025-07-16T12:00:00.000Z".replace(/:/g, "*3A")}` +
        `~start~'${"2025-07-15T11:55:00.000Z".replace(/:/g, "*3A")}` +
        "~timeType~'ABSOLUTE~tz~'UTC" +
        `~editorString~'${detail.split("~editorString~'")[1]!.split("~")[0]}` +
        "~isLiveTail~false" +
        `~source~(~'*2Faws*2Flambda*2Fjobdeck-WorkflowSteps~'*2Faws*2Flambda*2Fjobdeck-WorkerRecapPipeline))`,
    );
    const editor = detail.split("~editorString~'")[1]!.split("~")[0]!;
    expect(consoleString(editor)).toBe(
      `fields @timestamp, level, message, execution_uuid | filter execution_uuid = "${UUID}" | sort @timestamp asc`,
    );
  });

  it("escapes the characters the console's structure uses", () => {
    const url = logsInsightsUrl({
      region: "us-east-1",
      logGroups: ["g"],
      query: "stats count(*) by bin(5m) | filter x != 'a~b'",
      start: NOW,
      end: NOW,
    });
    const detail = decodeQueryDetail(url);
    const editor = detail.split("~editorString~'")[1]!.split("~")[0]!;
    expect(editor).not.toMatch(/[()'~!]/);
    expect(consoleString(editor)).toBe("stats count(*) by bin(5m) | filter x != 'a~b'");
  });

  it("has no logs_url without log groups", () => {
    expect(starter([]).links(EXEC, UUID)).toEqual({
      console_url: expect.stringContaining("/states/home"),
      logs_url: null,
    });
  });

  it("keeps the execution_uuid one string literal of the query", () => {
    expect(runLogsQuery('x" | stats count(*) \\')).toBe(
      'fields @timestamp, level, message, execution_uuid | filter execution_uuid = "x | stats count(*) " | sort @timestamp asc',
    );
  });
});

// The environment contract on the CDK side: a function gets exactly its kind's variables; a required
// one left unset fails the synthesis with its name, and a construct cannot set a variable the kind
// does not read (the Lambda side parses the same contract at cold start: lambda-entries.test.ts).
import { App, Stack } from "aws-cdk-lib";
import { describe, expect, it } from "vitest";
import { LambdaFactory } from "#cdk/functions.ts";
import { RECONCILER_LAMBDA, WORKFLOW_STEPS_LAMBDA } from "#cdk/lambda-catalog.ts";
import { DEFAULT_SETTINGS } from "#cdk/settings.ts";
import { cdkVariables, FUNCTION_ENV } from "#config/env-contract.ts";

const app = () => new App({ context: { "aws:cdk:bundling-stacks": [] } });

describe("environment contract (CDK side)", () => {
  it("fails the synthesis naming every required variable a function was left without", () => {
    const a = app();
    const stack = new Stack(a, "T");
    new LambdaFactory(DEFAULT_SETTINGS).create(stack, WORKFLOW_STEPS_LAMBDA, {
      STATE_MACHINE_ARNS: "{}",
      SCHEDULE_GROUP_NAME: "g",
    });
    let message = "";
    try {
      a.synth();
    } catch (e) {
      message = String(e);
    }
    for (const name of ["RUNS_TABLE", "CONTROL_TABLE", "SCHEDULER_ROLE_ARN", "SCHEDULE_DLQ_ARN"]) {
      expect(message).toContain(`WorkflowSteps (steps): no value for environment variable ${name}`);
    }
    expect(message).not.toContain("variable SCHEDULE_GROUP_NAME");
  });

  it("refuses a variable the function's kind does not read", () => {
    const stack = new Stack(app(), "T");
    const made = new LambdaFactory(DEFAULT_SETTINGS).create(stack, RECONCILER_LAMBDA, {});
    expect(() => made.setEnv("CURSOR_SECRET_ARN", "arn:x")).toThrow(
      "ExecutionReconciler: a reconciler function does not read CURSOR_SECRET_ARN",
    );
    made.setEnv("RUNS_TABLE", "runs");
    expect(made.environment().get("RUNS_TABLE")).toBe("runs");
  });

  it("takes only its kind's variables from the values it is given", () => {
    const stack = new Stack(app(), "T");
    const made = new LambdaFactory(DEFAULT_SETTINGS).create(stack, RECONCILER_LAMBDA, {
      CURSOR_SECRET_ARN: "arn:cursor",
      ALERT_TOPIC_ARN: "arn:topic",
    });
    const names = [...made.environment().keys()];
    expect(names).toContain("ALERT_TOPIC_ARN");
    expect(names).not.toContain("CURSOR_SECRET_ARN");
    const readable = new Set<string>(FUNCTION_ENV.reconciler);
    for (const n of names) expect(readable.has(n), n).toBe(true);
    expect(cdkVariables("reconciler").map((v) => v.name)).toEqual(expect.arrayContaining(names));
  });
});

import { readFileSync } from "node:fs";
import aslValidator from "asl-validator";
import { describe, expect, it } from "vitest";
import type { WorkflowState } from "#domain/runs/workflow-state.ts";
import {
  type ExecutionEnd,
  LocalAslWorkflow,
  type LocalAslWorkflowOptions,
  type LocalTaskHandler,
} from "#local/asl-workflow.ts";
import { LOCAL_WORKER_ARN, RUN_JOB_ASL } from "#local/local-workflow.ts";
import { STEP_NAMES } from "#workflow/steps-handler.ts";

type State = {
  Type: string;
  Resource?: string;
  Parameters?: { FunctionName?: string; Payload?: { step?: string } };
  TimeoutSecondsPath?: string;
  TimeoutSeconds?: number;
  Catch?: Array<{ ErrorEquals: string[]; Next: string; ResultPath?: string }>;
  Next?: string;
};
type Definition = { StartAt: string; States: Record<string, State> };

const TEXT = readFileSync(RUN_JOB_ASL, "utf8");
const definition = (): Definition => JSON.parse(TEXT) as Definition;
const tasks = () => Object.entries(definition().States).filter(([, s]) => s.Type === "Task");
/** `${Name}`: a definition substitution placeholder as written in the ASL file. */
const sub = (name: string) => `$\{${name}}`;
const STEPS_ARN = sub("StepsFunctionArn");
const WORKER_ARN = sub("WorkerFunctionArn");
const SUBSTITUTIONS = [STEPS_ARN, WORKER_ARN];

describe("statemachines/run-job.asl.json", () => {
  it("passes asl-validator with ARN and path checks", () => {
    const result = aslValidator(definition(), { checkArn: true, checkPaths: true });
    expect(result.errors).toEqual([]);
    expect(result.isValid).toBe(true);
  });

  it("asl-validator would notice a broken transition (the check is live)", () => {
    const broken = definition();
    broken.States.RunWorker!.Next = "NoSuchState";
    expect(aslValidator(broken, { checkArn: true, checkPaths: true }).isValid).toBe(false);
  });

  it("every Task calls one of the definition substitutions", () => {
    expect(tasks().length).toBeGreaterThan(0);
    for (const [name, state] of tasks()) {
      const target =
        state.Resource === "arn:aws:states:::lambda:invoke" ? state.Parameters?.FunctionName : state.Resource;
      expect(SUBSTITUTIONS, name).toContain(target);
    }
  });

  it("every Payload step is a known step name, and every step name is used", () => {
    const used = new Set<string>();
    for (const [name, state] of tasks()) {
      const step = state.Parameters?.Payload?.step;
      if (state.Parameters?.FunctionName === STEPS_ARN) {
        expect(step, name).toBeDefined();
      }
      if (step !== undefined) {
        expect(STEP_NAMES as readonly string[], name).toContain(step);
        used.add(step);
      }
    }
    expect([...used].sort()).toEqual([...STEP_NAMES].sort());
  });

  it("RunWorker reads its timeout from the state and catches into AttemptFailed", () => {
    const worker = definition().States.RunWorker!;
    expect(worker.Type).toBe("Task");
    expect(worker.Resource).toBe(WORKER_ARN);
    expect(worker.TimeoutSecondsPath).toBe("$.run.timeout_seconds");
    expect(worker.TimeoutSeconds).toBeUndefined();
    const catchAll = worker.Catch?.find((c) => c.ErrorEquals.includes("States.ALL"));
    expect(catchAll).toMatchObject({ Next: "AttemptFailed", ResultPath: "$.error" });
    expect(definition().States.AttemptFailed?.Parameters?.Payload?.step).toBe("attempt_failed");
  });
});

describe("LocalAslWorkflow with the local stack's wiring", () => {
  const substitutions = () => ({ StepsFunctionArn: "local:steps", WorkerFunctionArn: LOCAL_WORKER_ARN });

  function workflow(handlers: Record<string, LocalTaskHandler>, onEnd?: LocalAslWorkflowOptions["onEnd"]) {
    return new LocalAslWorkflow({ definitionFile: RUN_JOB_ASL, substitutions, handlers, onEnd });
  }

  it("runs an execution through begin → worker → finish_run (three Lambda calls)", async () => {
    const steps: string[] = [];
    let workerInput: WorkflowState | null = null;
    let ended!: (e: ExecutionEnd) => void;
    const end = new Promise<ExecutionEnd>((r) => {
      ended = r;
    });
    const wf = workflow(
      {
        "local:steps": async (payload) => {
          const p = payload as {
            step: string;
            state: WorkflowState;
            execution: { name: string; arn: string };
          };
          steps.push(p.step);
          if (p.step === "begin") {
            expect(p.execution.name).toBe("exec-1");
            // No Pass state before it: the Task itself puts the execution input under $.input.
            expect(p.state).toEqual({
              input: { job_name: "test.job", params: {}, trigger_source: "manual" },
            });
            return {
              ...p.state,
              run: {
                execution_uuid: "exec-1",
                job_name: "test.job",
                concurrency_key: "test.job",
                params: {},
                attempt: 1,
                max_attempts: 1,
                timeout_seconds: 5,
                proceed: true,
              },
              slot: { outcome: "acquired" },
            };
          }
          return p.state;
        },
        [LOCAL_WORKER_ARN]: async (payload) => {
          workerInput = payload as WorkflowState;
          return { ...(payload as WorkflowState), result: { counts: null, progress: null } };
        },
      },
      (e) => ended(e),
    );
    await wf.start("test.job", "exec-1", { job_name: "test.job", params: {}, trigger_source: "manual" });
    const e = await end;
    expect(e.status).toBe("SUCCEEDED");
    expect(steps).toEqual(["begin", "finish_run"]);
    expect(workerInput).toMatchObject({ input: { job_name: "test.job" }, run: { timeout_seconds: 5 } });
    expect(await wf.describe(e.arn)).toBe("SUCCEEDED");
  });

  it("throws when a start is attempted without a worker handler", async () => {
    const wf = workflow({ "local:steps": async (p) => (p as { state: unknown }).state });
    await expect(
      wf.start("test.job", "exec-2", { job_name: "test.job", params: {}, trigger_source: "manual" }),
    ).rejects.toThrow(/RunWorker .*no local handler/);
    expect(wf.running()).toBe(0);
  });
});

// The local stand-in for the per-job state machines: the ASL interpreter runs each job's own
// definition (run-job-asl.ts renders it from statemachines/, as CDK does) with the same steps and
// worker handlers as the Lambda functions, a fargate job's RunWorker going to the local fargate
// runner (a child process per task), and its execution ends stand in for the Step Functions
// status-change rule (the reconciler).
import { join } from "node:path";
import type { CoreDeps } from "#domain/core-deps.ts";
import { runUuidFor } from "#domain/runs/execution-identity.ts";
import { lambdaCause } from "#domain/runs/run-attempts.ts";
import { Reconciler } from "#domain/runs/run-reconciler.ts";
import type { SecretReader } from "#ports/secret-reader.ts";
import { ECS_RUN_TASK_SYNC, readRunJobTemplates, renderRunJobDefinition } from "#workflow/run-job-asl.ts";
import { createStepsHandler } from "#workflow/steps-handler.ts";
import { createRunWorker, type StoreOpener } from "#workflow/worker-handler.ts";
import { LocalAslWorkflow } from "./asl-workflow.ts";
import { type LocalFargateRunner, localTaskDefinition, type RunTaskRequest } from "./fargate-runner.ts";
import { PROJECT_ROOT } from "./project-root.ts";

export const RUN_JOB_ASL = join(PROJECT_ROOT, "statemachines", "run-job.asl.json");

/** The worker Task uses the direct Lambda ARN form; locally this ARN names the in-process worker. */
export const LOCAL_WORKER_ARN = "arn:aws:lambda:local:000000000000:function:jobdeck-local-worker";

/** The outcome of a run the grace of a graceful shutdown ran out on. */
export const localShutdownSummary = (graceMs: number) =>
  `the local stack stopped during the run (it was shut down; the run did not finish within the ${Math.round(graceMs / 1000)} s grace)`;

export type LocalWorkflowOptions = {
  openStores: StoreOpener;
  /** The jobs' declared secrets (the local environment). */
  secrets?: SecretReader;
  /** Progress write spacing; the spec's 1 s unless a test needs it faster. */
  minProgressWriteMs?: number;
  /** One human line per run start / finish. */
  print: (line: string) => void;
  /** Where fargate jobs' tasks run (child processes). */
  fargate: LocalFargateRunner;
};

/** The local values of a fargate RunWorker's substitutions: only the task definition means something here. */
const LOCAL_FARGATE_SUBSTITUTIONS = {
  ClusterArn: "local:cluster",
  TaskSecurityGroupId: "local:security-group",
  Subnet0: "local:subnet",
};

/** Builds the interpreter for `deps` and makes it deps.workflow (deps and the workflow need each other). */
export function wireLocalWorkflow(deps: CoreDeps, opts: LocalWorkflowOptions) {
  const { logger, runs } = deps;
  const print = opts.print;
  const steps = createStepsHandler(deps);
  const worker = createRunWorker({
    ...deps,
    openStores: opts.openStores,
    secrets: opts.secrets,
    minWriteIntervalMs: opts.minProgressWriteMs,
  });
  const reconciler = new Reconciler(deps);
  // Lambda would log an unhandled error before Step Functions sees it; do the same here.
  const logFailure = async <T>(fn: string, call: () => Promise<T>): Promise<T> => {
    try {
      return await call();
    } catch (e) {
      logger.warn(`${fn} handler failed`, { error: e instanceof Error ? e.message : String(e) });
      throw e;
    }
  };

  // Graceful shutdown: executions aborted because the stack stops (not because someone cancelled).
  const shutdown = { graceMs: 0, aborted: new Set<string>() };
  // Queued runs resumed at this start (their executions started again where they waited).
  const resumed = new Set<string>();
  const templates = readRunJobTemplates(PROJECT_ROOT);
  const workflow = new LocalAslWorkflow({
    // One subnet locally: the task runs on this machine.
    definitionFor: (jobName) => renderRunJobDefinition(templates, deps.registry.get(jobName), 1),
    substitutions: (jobName) => ({
      StepsFunctionArn: "local:steps",
      WorkerFunctionArn: LOCAL_WORKER_ARN,
      ...LOCAL_FARGATE_SUBSTITUTIONS,
      TaskDefinitionArn: localTaskDefinition(jobName),
    }),
    handlers: {
      // The task's result is the state's ($.result); its failure is the state's {Error, Cause}.
      [ECS_RUN_TASK_SYNC]: (request, signal, state) =>
        opts.fargate.runTask(request as RunTaskRequest, signal, state),
      "local:steps": (payload) => logFailure("steps", () => steps(payload as Parameters<typeof steps>[0])),
      // Lambda reports a thrown error to Step Functions as {errorType, errorMessage, trace}: the
      // same Cause here, so a run records the same attempt (type, message, stack) in both hosts.
      [LOCAL_WORKER_ARN]: (payload, signal) =>
        logFailure("worker", () => worker(payload as Parameters<typeof worker>[0], signal)).catch(
          (e: unknown) => {
            throw Object.assign(new Error(lambdaCause(e)), {
              name: e instanceof Error ? e.name : "Error",
            });
          },
        ),
    },
    onEnd: async (end) => {
      // The interpreter's end stands in for the Step Functions status-change rule.
      if (end.status === "SUCCEEDED" && resumed.has(end.arn)) {
        // A resumed queued run whose schedule no longer lets it run (deleted, disabled, paused
        // while the stack was stopped) ends without running: it must not stay QUEUED.
        await reconciler.executionEnded({
          name: end.name,
          arn: end.arn,
          status: end.status,
          input: end.input,
          outcome: {
            status: "SKIPPED",
            summary:
              "queued before the local stack stopped; its schedule no longer runs it (deleted, disabled or paused)",
          },
        });
      }
      if (end.status !== "SUCCEEDED") {
        const byShutdown = shutdown.aborted.has(end.arn);
        await reconciler.executionEnded({
          name: end.name,
          arn: end.arn,
          status: end.status,
          input: end.input,
          // The stack stopping is the true reason, not a cancel; a queued run stays queued and
          // resumes at the next start.
          ...(byShutdown
            ? {
                outcome: { status: "FAILURE" as const, summary: localShutdownSummary(shutdown.graceMs) },
                keepQueued: true,
              }
            : {}),
        });
      }
      const run = await runs.get(runUuidFor(end.input, end.name, end.arn)).catch(() => null);
      if (run) {
        const counts = `in=${run.input_count} ins=${run.inserted_count} upd=${run.updated_count} skip=${run.skipped_count} err=${run.error_count}`;
        print(
          `[run] ${run.status.padEnd(9)} ${run.job_name} ${run.execution_uuid} ${run.duration_seconds ?? "-"}s ${counts}${run.error_summary ? ` — ${run.error_summary}` : ""}`,
        );
      }
    },
  });
  deps.workflow = {
    start: async (jobName, name, input) => {
      const started = await workflow.start(jobName, name, input);
      print(
        `[run] STARTED   ${jobName} ${name} (${input.trigger_source}${input.triggered_by ? ` by ${input.triggered_by}` : ""})`,
      );
      return started;
    },
    executionArnFor: (jobName, name) => workflow.executionArnFor(jobName, name),
    stop: (arn, cause) => workflow.stop(arn, cause),
    describe: (arn) => workflow.describe(arn),
    links: (arn, uuid) => workflow.links(arn, uuid),
  };

  return { workflow, reconciler, shutdown, resumed };
}

// Every Lambda function of jobdeck: entry, environment kind (functions/config/env-contract.ts says
// which variables each kind reads; lib/functions.ts sets exactly those), timeout and memory. API
// functions follow functions/api/areas.ts. The bench bundles the same entries with the same options.
import { API_AREAS, type ApiArea } from "#api/areas.ts";
import type { FunctionKind } from "#config/env-contract.ts";
import { STEPS_MEMORY_MB, WORKER_MEMORY_MB } from "#domain/runs/run-cost.ts";
import { SCHEDULE_RECONCILE_INTERVAL_MINUTES } from "#domain/schedules/schedule-sync.ts";

export type LambdaSpec = {
  /** Construct id and function name suffix. */
  id: string;
  /** Entry file, relative to the project root; it exports `handler`. */
  entry: string;
  /** Its environment contract. */
  kind: FunctionKind;
  timeoutSeconds: number;
  memoryMb: number;
  description: string;
};

const capitalized = (s: string) => `${s[0]!.toUpperCase()}${s.slice(1)}`;

/** One function per API area (spec/architecture.md); routes map to them by ROUTES[].lambda. */
export const API_LAMBDAS = Object.fromEntries(
  Object.entries(API_AREAS).map(([area, spec]) => [
    area,
    {
      id: `Api${capitalized(area)}`,
      entry: `functions/lambda/api/${area}-function.ts`,
      kind: spec.kind,
      timeoutSeconds: 29,
      memoryMb: 512,
      description: spec.description,
    },
  ]),
) as Record<ApiArea, LambdaSpec>;

export const WORKFLOW_STEPS_LAMBDA: LambdaSpec = {
  id: "WorkflowSteps",
  entry: "functions/lambda/workflow/steps-function.ts",
  kind: "steps",
  timeoutSeconds: 60,
  // a run's cost counts this memory (run-cost.ts)
  memoryMb: STEPS_MEMORY_MB,
  description: "Task states of statemachines/run-job.asl.json (start run, take slot, finish, fail)",
};

/** One worker function per registered job (made by CDK from the registry). */
export function workerLambda(jobName: string, timeoutSeconds: number): LambdaSpec {
  return {
    id: `Worker${jobName.replace(/(^|[._-])(\w)/g, (_m, _s, c: string) => c.toUpperCase())}`,
    entry: "functions/lambda/workflow/worker-function.ts",
    kind: "worker",
    // the Lambda limit must not cut a run the state machine still allows
    timeoutSeconds: Math.min(900, timeoutSeconds + 30),
    // a run's cost counts this memory (run-cost.ts)
    memoryMb: WORKER_MEMORY_MB,
    description: `Worker of job ${jobName}`,
  };
}

export const RECONCILER_LAMBDA: LambdaSpec = {
  id: "ExecutionReconciler",
  entry: "functions/lambda/events/execution-reconciler-function.ts",
  kind: "reconciler",
  timeoutSeconds: 60,
  memoryMb: 256,
  description: "Step Functions status change (FAILED/TIMED_OUT/ABORTED) → end the run, free its slot",
};

export const RUN_SWEEPER_LAMBDA: LambdaSpec = {
  id: "RunSweeper",
  entry: "functions/lambda/events/run-sweeper-function.ts",
  kind: "sweeper",
  timeoutSeconds: 60,
  memoryMb: 256,
  description:
    "Every minute: end runs left active past their time budget, record missed schedule fires; " +
    `every ${SCHEDULE_RECONCILE_INTERVAL_MINUTES} minutes: reconcile EventBridge schedules with the table`,
};

export const DEFAULT_SCHEDULES_LAMBDA: LambdaSpec = {
  id: "DefaultSchedules",
  entry: "functions/lambda/events/default-schedules-function.ts",
  kind: "default-schedules",
  timeoutSeconds: 120,
  memoryMb: 256,
  description: "Custom resource: creates the jobs' default schedules through the schedules service",
};

/** esbuild options shared by CDK's NodejsFunction and the bench (same bundle, same numbers). */
export const BUNDLING = {
  format: "cjs" as const,
  platform: "node" as const,
  target: "node22",
  minify: true,
  sourcemap: false,
  /**
   * Nothing is left out: the bundles carry the AWS SDK of package-lock.json, the one the tests ran,
   * not whichever version the nodejs22.x runtime ships that week (issue 13; the deploy suite reads
   * the version off every call's user agent). The SDK's ES module builds tree-shake better than its
   * CommonJS ones (~600 KB against ~850 KB a bundle), hence `module` first.
   */
  external: [] as string[],
  mainFields: ["module", "main"],
};

// Issue 16 part 4: what one successful manual run takes, measured on the local stack's ASL
// interpreter (its event log: each state entered or retried is a billed transition; each call of
// the steps or worker handler is a Lambda invocation on AWS). Goal: ≤ 6 transitions, ≤ 3 calls
// (before BeginRun: 8 and 4). Also the run's recorded cost, which must count the same transitions.
import { TriggerService } from "#domain/runs/trigger-service.ts";
import { JOBS } from "#jobs/all-jobs.ts";
import { LOCAL_WORKER_ARN } from "#local/local-workflow.ts";
import { slow } from "#test/helpers/test-jobs.ts";
import type { BenchEnv } from "./bench-env.ts";

export type WorkflowBench = {
  transitions: number;
  lambdaCalls: number;
  calls: Record<string, number>;
  costTransitions: number | null;
  usd: number | null;
};

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export async function runWorkflowBench(
  env: BenchEnv,
  { log }: { log: (line: string) => void },
): Promise<WorkflowBench> {
  log("workflow: one successful manual run on the interpreter…");
  const stack = await env.startStack("benchwf", {
    jobs: [...JOBS, slow],
    scheduler: false,
    defaultSchedules: false,
  });
  try {
    const started = await new TriggerService(stack.deps).trigger({
      job_name: slow.name,
      options: { ms: 50 },
      actor: "bench",
      trigger_source: "manual",
    });
    const id = started.execution_uuid;
    for (let t = 0; t < 600; t++) {
      const run = await stack.deps.runs.get(id);
      const arn = run?.workflow_execution_arn;
      if (run && arn && run.status !== "RUNNING" && run.status !== "QUEUED") {
        if ((await stack.workflow.describe(arn)) !== "RUNNING") {
          if (run.status !== "SUCCESS")
            throw new Error(`bench run ended ${run.status}: ${run.error_summary}`);
          const usage = stack.workflow.usage(arn)!;
          return {
            transitions: usage.transitions,
            lambdaCalls: (usage.calls["local:steps"] ?? 0) + (usage.calls[LOCAL_WORKER_ARN] ?? 0),
            calls: usage.calls,
            costTransitions: run.cost?.state_transitions ?? null,
            usd: run.cost?.usd ?? null,
          };
        }
      }
      await sleep(50);
    }
    throw new Error("bench run did not end within 30 s");
  } finally {
    await stack.stop();
  }
}

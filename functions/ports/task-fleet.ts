// The tasks fargate jobs run in, as the sweeper sees them (issue 15): an attempt's task can outlive
// its run (the execution was stopped while ECS was still starting the task, a reconcile ended the
// run, the Lambda that stops it failed). The sweeper lists the running tasks by the run they are
// tagged with and stops those whose run is no longer active. ECS in AWS, the child processes of
// the local stack's fargate runner locally.

/** A running task and the run its `jobdeck:execution_uuid` tag names. */
export type RunningTask = { id: string; execution_uuid: string; started_at: string | null };

export interface TaskFleet {
  /** Every task of fargate jobs that ECS (or the local runner) still runs. */
  listRunning(): Promise<RunningTask[]>;
  /** Stops the task (SIGTERM, then SIGKILL after its stop timeout); `reason` is recorded by ECS. */
  stop(id: string, reason: string): Promise<void>;
}

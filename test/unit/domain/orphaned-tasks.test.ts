// Issue 15: the sweeper stops the tasks of fargate jobs whose run is finished or missing (an
// attempt's task can outlive its run), leaves young tasks and active runs alone, and never stops
// on a guess (the store is down, the fleet cannot be listed).
import { describe, expect, it } from "vitest";
import { ORPHAN_GRACE_SECONDS, RunSweeper } from "#domain/runs/run-sweeper.ts";
import { fargateJob } from "#test/fakes/fake-fargate-job.ts";
import { FAKE_JOBS } from "#test/fakes/fake-jobs.ts";
import { memoryCore } from "#test/fakes/memory-core.ts";
import { MemoryTaskFleet } from "#test/fakes/memory-task-fleet.ts";
import { aFinishedRun, aRun } from "#test/helpers/builders.ts";

const NOW = "2026-03-10T09:00:00.000Z";
const ago = (seconds: number) => new Date(Date.parse(NOW) - seconds * 1000).toISOString();
const arn = (id: string) => `arn:aws:ecs:ap-northeast-1:123456789012:task/jobdeck/${id}`;

function setup() {
  const core = memoryCore({ now: NOW, jobs: [...FAKE_JOBS, fargateJob] });
  const fleet = new MemoryTaskFleet();
  return { core, fleet, sweeper: new RunSweeper(core, { fleet }) };
}

describe("RunSweeper: orphaned tasks", () => {
  it("stops a task whose run ended or does not exist, with the reason and a log line", async () => {
    const { core, fleet, sweeper } = setup();
    const cancelled = aFinishedRun("CANCELLED", { job_name: fargateJob.name, started_at: ago(900) });
    core.runs.seed(cancelled);
    fleet.seed(
      { id: arn("t-cancelled"), execution_uuid: cancelled.execution_uuid, started_at: ago(600) },
      { id: arn("t-missing"), execution_uuid: "00000000-0000-4000-8000-0000000dead0", started_at: ago(600) },
    );
    const result = await sweeper.sweep();
    expect(result.stopped.sort()).toEqual([arn("t-cancelled"), arn("t-missing")]);
    expect(fleet.stops).toEqual(
      expect.arrayContaining([
        {
          id: arn("t-cancelled"),
          reason: `jobdeck sweeper: its run ended CANCELLED (execution_uuid ${cancelled.execution_uuid})`,
        },
        expect.objectContaining({
          id: arn("t-missing"),
          reason: expect.stringMatching(/its run does not exist/),
        }),
      ]),
    );
    const lines = core.logger.lines.filter((l) => l.message === "stopped an orphaned task");
    expect(lines.map((l) => l.extra?.execution_uuid)).toContain(cancelled.execution_uuid);
    expect(lines.every((l) => l.level === "warn")).toBe(true);
  });

  it("leaves the tasks of active runs alone", async () => {
    const { core, fleet, sweeper } = setup();
    const running = aRun({ job_name: fargateJob.name, started_at: ago(900) });
    const queued = aRun({ job_name: fargateJob.name, status: "QUEUED", started_at: ago(900) });
    core.runs.seed(running);
    core.runs.seed(queued);
    fleet.seed(
      { id: arn("t-run"), execution_uuid: running.execution_uuid, started_at: ago(600) },
      { id: arn("t-q"), execution_uuid: queued.execution_uuid, started_at: ago(600) },
    );
    expect((await sweeper.sweep()).stopped).toEqual([]);
    expect(fleet.ids().sort()).toEqual([arn("t-q"), arn("t-run")]);
  });

  it("leaves a task younger than the grace (its run may be being created), and one of unknown age", async () => {
    const { fleet, sweeper } = setup();
    fleet.seed(
      {
        id: arn("t-young"),
        execution_uuid: "00000000-0000-4000-8000-00000000aaaa",
        started_at: ago(ORPHAN_GRACE_SECONDS - 5),
      },
      { id: arn("t-ageless"), execution_uuid: "00000000-0000-4000-8000-00000000bbbb", started_at: null },
    );
    expect(await sweeper.stopOrphanedTasks()).toEqual([]);
    expect(fleet.stops).toEqual([]);
  });

  it("stops nothing while the store cannot say whether the run ended", async () => {
    const { core, fleet, sweeper } = setup();
    fleet.seed({
      id: arn("t-1"),
      execution_uuid: "00000000-0000-4000-8000-00000000cccc",
      started_at: ago(600),
    });
    core.outage.begin();
    expect(await sweeper.stopOrphanedTasks()).toEqual([]);
    core.outage.end();
    expect(fleet.stops).toEqual([]);
    expect(await sweeper.stopOrphanedTasks()).toEqual([arn("t-1")]);
  });

  it("a fleet that cannot be listed, or a stop that fails, is logged and the sweep goes on", async () => {
    const { core, fleet, sweeper } = setup();
    const done = aFinishedRun("SUCCESS", { job_name: fargateJob.name, started_at: ago(900) });
    core.runs.seed(done);
    fleet.seed(
      { id: arn("t-denied"), execution_uuid: done.execution_uuid, started_at: ago(600) },
      { id: arn("t-ok"), execution_uuid: "00000000-0000-4000-8000-00000000dddd", started_at: ago(600) },
    );
    fleet.failNextList();
    expect((await sweeper.sweep()).stopped).toEqual([]);
    expect(core.logger.lines.some((l) => l.message === "could not list the running tasks")).toBe(true);
    fleet.failStopOf(arn("t-denied"));
    expect((await sweeper.sweep()).stopped).toEqual([arn("t-ok")]);
    expect(core.logger.lines.some((l) => l.message === "could not stop an orphaned task")).toBe(true);
  });

  it("a run the sweep itself ends has its task stopped in the same sweep", async () => {
    const { core, fleet, sweeper } = setup();
    // RUNNING far past its whole budget (2 attempts of 3600 s + backoff + grace).
    const stale = aRun({ job_name: fargateJob.name, started_at: ago(3 * 3600) });
    core.runs.seed(stale);
    fleet.seed({ id: arn("t-stale"), execution_uuid: stale.execution_uuid, started_at: ago(3 * 3600) });
    const result = await sweeper.sweep();
    expect(result.ended).toEqual([stale.execution_uuid]);
    expect(result.stopped).toEqual([arn("t-stale")]);
  });

  it("without a fleet (no fargate job, no cluster) no task is looked at", async () => {
    const core = memoryCore({ now: NOW });
    expect((await new RunSweeper(core).sweep()).stopped).toEqual([]);
  });
});

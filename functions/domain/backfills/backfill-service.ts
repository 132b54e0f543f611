// Issue 16 part 2: POST /v1/jobs/{name}/backfill, GET /v1/backfills[/{id}], cancel. A backfill runs
// a job once per fire time of a past window (backfill-plan.ts); backfill-advancer.ts starts them.
import { AuditTrail } from "#domain/audit.ts";
import type { CoreDeps } from "#domain/core-deps.ts";
import { ConflictError, issuesToFields, NotFoundError, ValidationError } from "#domain/errors.ts";
import { concurrencyKey } from "#domain/runs/concurrency-key.ts";
import { RunCommands } from "#domain/runs/run-commands.ts";
import { isFinished } from "#domain/runs/run-lifecycle.ts";
import { taskParamsIssue } from "#domain/runs/task-override-size.ts";
import type { Backfill, BackfillRequest, BackfillView } from "#schemas/backfill.ts";
import { BackfillAdvancer } from "./backfill-advancer.ts";
import { backfillIdFor, backfillRunUuid, planBackfill } from "./backfill-plan.ts";

const DEFAULT_MAX_RUNS = 100;

export type BackfillPreview = {
  dry_run: true;
  job_name: string;
  count: number;
  capped: boolean;
  times: { scheduled_for: string }[];
};

export class BackfillService {
  private readonly advancer: BackfillAdvancer;

  constructor(private readonly deps: CoreDeps) {
    this.advancer = new BackfillAdvancer(deps);
  }

  /** A dry run's answer, or the backfill (created: false when the same request made it before). */
  async request(
    jobName: string,
    req: BackfillRequest,
    actor: string,
  ): Promise<{ preview: BackfillPreview } | { view: BackfillView; created: boolean }> {
    const job = this.deps.registry.get(jobName);
    const source = await this.sourceOf(req);
    if (source.job_name && source.job_name !== job.name) {
      throw new ValidationError(`schedule ${req.schedule_id} runs ${source.job_name}, not ${job.name}`, [
        { field: "schedule_id", message: `is a schedule of ${source.job_name}` },
      ]);
    }
    const params = this.paramsOf(job.name, req.params ?? source.params ?? {});
    const maxRuns = req.max_runs ?? DEFAULT_MAX_RUNS;
    const since = new Date(req.from);
    const until = new Date(req.to);
    const plan = planBackfill(source, since, until, maxRuns);
    if ("error" in plan) {
      const field = req.schedule_id
        ? "schedule_id"
        : plan.error.startsWith("to ")
          ? "to"
          : "schedule_expression";
      throw new ValidationError(plan.error, [{ field, message: plan.error }]);
    }
    const times = plan.times.map((t) => t.toISOString());
    if (req.dry_run) {
      return {
        preview: {
          dry_run: true,
          job_name: job.name,
          count: times.length,
          capped: plan.capped,
          times: times.map((t) => ({ scheduled_for: t })),
        },
      };
    }
    if (times.length === 0) {
      throw new ValidationError("the window has no fire time: nothing to backfill", [
        { field: "from", message: "the window from..to has no fire time of the schedule" },
      ]);
    }
    const id = backfillIdFor({
      job_name: job.name,
      source: req.schedule_id
        ? `schedule:${req.schedule_id}`
        : `${source.schedule_expression}@${source.timezone}`,
      since: since.toISOString(),
      until: until.toISOString(),
      params,
    });
    const now = this.deps.clock.now().toISOString();
    const backfill: Backfill = {
      id,
      job_name: job.name,
      schedule_id: req.schedule_id ?? null,
      schedule_expression: source.schedule_expression,
      timezone: source.timezone,
      window_since: since.toISOString(),
      window_until: until.toISOString(),
      params,
      // A job that runs one at a time (concurrency "job") takes its backfill one run at a time: more
      // would only wait for the slot (and time out waiting), not run sooner.
      concurrency: job.concurrency === "job" ? 1 : (req.concurrency ?? 1),
      times,
      capped: plan.capped,
      started: 0,
      status: "running",
      created_by: actor,
      created_at: now,
      finished_at: null,
      cancelled_by: null,
    };
    const created = await this.deps.backfills.create(backfill);
    if (created) {
      await new AuditTrail(this.deps).record("backfill.start", actor, {
        target: id,
        target_name: job.name,
        after: {
          job_name: job.name,
          schedule_id: backfill.schedule_id,
          schedule_expression: backfill.schedule_expression,
          timezone: backfill.timezone,
          from: backfill.window_since,
          to: backfill.window_until,
          runs: times.length,
          concurrency: backfill.concurrency,
          params,
        },
      });
      this.deps.logger.info("backfill created", { backfill_id: id, job_name: job.name, runs: times.length });
    }
    // Also for a repeated request: a backfill whose first starts were lost moves on now.
    await this.advancer.advance(id);
    return { view: await this.get(id), created };
  }

  async get(id: string): Promise<BackfillView> {
    const b = await this.deps.backfills.get(id);
    if (!b) throw new NotFoundError("backfill", id);
    return this.view(b);
  }

  async list(jobName?: string): Promise<BackfillView[]> {
    return Promise.all((await this.deps.backfills.list(jobName)).map((b) => this.view(b)));
  }

  /**
   * Pending times never start. Runs already started keep running unless `cancelRunning`: each is a
   * whole, independent run of one period that may be half-way through its writes, and stopping it
   * leaves that period half-done; the operator chooses.
   */
  async cancel(id: string, actor: string, cancelRunning: boolean): Promise<BackfillView> {
    const b = await this.deps.backfills.get(id);
    if (!b) throw new NotFoundError("backfill", id);
    const ended = await this.deps.backfills.end(id, "cancelled", this.deps.clock.now().toISOString(), actor);
    if (!ended) {
      const now = await this.deps.backfills.get(id);
      throw new ConflictError("already_finished", `backfill ${id} already ended (${now?.status ?? "gone"})`, {
        id,
        status: now?.status ?? null,
      });
    }
    let cancelledRuns = 0;
    if (cancelRunning) {
      const commands = new RunCommands(this.deps);
      for (const run of await this.advancer.startedRuns(b)) {
        if (!run || isFinished(run.status)) continue;
        try {
          await commands.cancel(run.execution_uuid, actor);
          cancelledRuns++;
        } catch (e) {
          // Ended meanwhile: nothing to cancel.
          if (!(e instanceof ConflictError)) throw e;
        }
      }
    }
    await new AuditTrail(this.deps).record("backfill.cancel", actor, {
      target: id,
      target_name: b.job_name,
      before: { status: "running", started: b.started, total: b.times.length },
      after: {
        status: "cancelled",
        never_started: b.times.length - b.started,
        cancel_running: cancelRunning,
        cancelled_runs: cancelledRuns,
      },
    });
    this.deps.logger.info("backfill cancelled", { backfill_id: id, actor, cancel_running: cancelRunning });
    return this.get(id);
  }

  private async view(b: Backfill): Promise<BackfillView> {
    const runs = await this.advancer.startedRuns(b);
    const counts = { total: b.times.length, done: 0, skipped: 0, failed: 0, running: 0, pending: 0 };
    const list = b.times.map((t, i) => {
      const run = i < b.started ? runs[i] : undefined;
      if (run === undefined) counts.pending++;
      else if (run === null || !isFinished(run.status)) counts.running++;
      else if (run.status === "SUCCESS") counts.done++;
      // A period the job had nothing to do for (a market holiday) is not a failure.
      else if (run.status === "SKIPPED") counts.skipped++;
      else counts.failed++;
      return {
        scheduled_for: t,
        execution_uuid: backfillRunUuid(b.id, t),
        status: run ? run.status : null,
      };
    });
    return {
      id: b.id,
      job_name: b.job_name,
      schedule_id: b.schedule_id,
      schedule_expression: b.schedule_expression,
      timezone: b.timezone,
      window: { since: b.window_since, until: b.window_until },
      params: b.params,
      concurrency: b.concurrency,
      capped: b.capped,
      status: b.status,
      created_by: b.created_by,
      created_at: b.created_at,
      finished_at: b.finished_at,
      cancelled_by: b.cancelled_by,
      counts,
      runs: list,
    };
  }

  private async sourceOf(req: BackfillRequest) {
    const fromSchedule = req.schedule_id !== undefined;
    const fromExpression = req.schedule_expression !== undefined;
    if (fromSchedule === fromExpression) {
      throw new ValidationError("give either schedule_id or schedule_expression (with timezone)", [
        { field: "schedule_id", message: "exactly one of schedule_id and schedule_expression is required" },
      ]);
    }
    if (req.schedule_id !== undefined) {
      const s = await this.deps.schedules.get(req.schedule_id);
      if (!s) throw new NotFoundError("schedule", req.schedule_id);
      return {
        schedule_expression: s.schedule_expression,
        timezone: s.timezone,
        start_date: s.start_date,
        end_date: s.end_date,
        created_at: s.created_at,
        params: s.params as Record<string, unknown>,
        job_name: s.job_name,
      };
    }
    return {
      schedule_expression: req.schedule_expression ?? "",
      timezone: req.timezone ?? this.deps.settings.displayTimeZone,
      params: undefined,
      job_name: undefined,
    };
  }

  /** The runs' params as the job reads them; refused now rather than as each run starts. */
  private paramsOf(jobName: string, raw: Record<string, unknown>): Record<string, unknown> {
    const job = this.deps.registry.get(jobName);
    const parsed = job.parameters.safeParse(raw);
    if (!parsed.success) {
      throw new ValidationError(
        `params do not match the parameters of ${job.name}`,
        issuesToFields(parsed.error.issues, "params", raw),
      );
    }
    const params = parsed.data as Record<string, unknown>;
    const tooLarge = taskParamsIssue(
      job,
      params,
      concurrencyKey(job.name, job.concurrency, params),
      "params",
    );
    if (tooLarge) throw new ValidationError(`${tooLarge.field} ${tooLarge.message}`, [tooLarge]);
    return params;
  }
}

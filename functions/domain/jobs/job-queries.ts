// GET /v1/jobs and /v1/jobs/{name}; PUT /v1/jobs/{name}/enabled.

import * as z from "zod/mini";
import { AuditTrail } from "#domain/audit.ts";
import type { CoreDeps } from "#domain/core-deps.ts";
import { jobTarget, toPauseNote } from "#domain/pauses/pause-targets.ts";
import { ManualCooldown } from "#domain/runs/manual-cooldown.ts";
import { computeStats, type RunStats } from "#domain/runs/run-stats.ts";
import { summarize } from "#domain/runs/run-summary.ts";
import { ScheduleService } from "#domain/schedules/schedule-service.ts";
import type { JobView, ScheduleSummary } from "#schemas/answers.ts";
import type { PauseNote } from "#schemas/pause.ts";
import { FINISHED_STATUSES, type Run, type RunStatus } from "#schemas/run.ts";
import type { Schedule } from "#schemas/schedule.ts";
import type { JobDefinition } from "./job-definition.ts";

// The answer shapes are the API's schemas (functions/schemas/job.ts); the domain fills them in.
export type { JobView, ScheduleSummary } from "#schemas/answers.ts";

const schemaCache = new WeakMap<object, Record<string, unknown>>();

/** JSON Schema (draft 2020-12) of what a client may send, made from the job's own zod schema. */
export function parameterSchema(job: JobDefinition): Record<string, unknown> {
  let s = schemaCache.get(job.parameters);
  if (!s) {
    s = z.toJSONSchema(job.parameters, { io: "input", unrepresentable: "any" }) as Record<string, unknown>;
    schemaCache.set(job.parameters, s);
  }
  return s;
}

/** Upper bound on runs read for one job's 24 h stats; beyond it the stats say so by their total. */
const STATS_SCAN_LIMIT = 1000;

export class JobQueries {
  private readonly scheduleService: ScheduleService;

  constructor(private readonly deps: CoreDeps) {
    this.scheduleService = new ScheduleService(deps);
  }

  private scheduleSummary(s: Schedule, notes: Map<string, PauseNote>): ScheduleSummary {
    const v = this.scheduleService.view(s, notes.get(s.id) ?? null);
    return {
      id: s.id,
      name: s.name,
      schedule_expression: v.normalized_expression,
      timezone: s.timezone,
      enabled: s.enabled,
      execution_policy: s.execution_policy,
      params: s.params,
      description: v.expression_description,
      next_fire_at: s.enabled ? (v.next_fire_times[0] ?? null) : null,
      expression_error: v.expression_error,
      pause: v.pause,
    };
  }

  async list(): Promise<JobView[]> {
    const [flags, active, schedules] = await Promise.all([
      this.deps.control.listJobEnabled(this.deps.registry.names()),
      this.deps.runs.listActive(),
      this.deps.schedules.list(),
    ]);
    await this.scheduleService.prepare(schedules);
    return Promise.all(
      this.deps.registry.list().map((job) => this.view(job, flags.get(job.name) ?? true, active, schedules)),
    );
  }

  async get(name: string): Promise<JobView> {
    const job = this.deps.registry.get(name);
    const [enabled, active, schedules] = await Promise.all([
      this.deps.control.getJobEnabled(name),
      this.deps.runs.listActive(name),
      this.deps.schedules.list({ job_name: name }),
    ]);
    await this.scheduleService.prepare(schedules);
    return this.view(job, enabled, active, schedules);
  }

  /** The job's enabled flag alone (404 for an unknown job): what a conditional write compares. */
  async isEnabled(name: string): Promise<boolean> {
    this.deps.registry.get(name);
    return this.deps.control.getJobEnabled(name);
  }

  /** `note`: issue 16 part 5's reason / until (or why it resumed), kept in the audit entry. */
  async setEnabled(
    name: string,
    enabled: boolean,
    actor: string,
    note: Record<string, unknown> = {},
  ): Promise<JobView> {
    this.deps.registry.get(name);
    const before = await this.deps.control.getJobEnabled(name);
    await this.deps.control.setJobEnabled(name, enabled, actor);
    this.deps.logger.info("job enabled flag set", { job_name: name, enabled, actor });
    await new AuditTrail(this.deps).record(enabled ? "job.enable" : "job.disable", actor, {
      target: name,
      target_name: name,
      before: { enabled: before },
      after: { enabled, ...note },
    });
    return this.get(name);
  }

  async stats(jobName: string, since: Date): Promise<RunStats> {
    const runs: Run[] = [];
    let after = null;
    do {
      const page = await this.deps.runs.list(
        { job_name: jobName, started_after: since.toISOString() },
        100,
        after,
      );
      runs.push(...page.runs);
      after = page.next;
    } while (after && runs.length < STATS_SCAN_LIMIT);
    return computeStats(runs);
  }

  private async view(
    job: JobDefinition,
    enabled: boolean,
    active: Run[],
    schedules: Schedule[],
  ): Promise<JobView> {
    const since = new Date(this.deps.clock.now().getTime() - 24 * 3600 * 1000);
    const [last, stats, next, notes, jobNote, cooling] = await Promise.all([
      this.deps.runs.list({ job_name: job.name, statuses: [...FINISHED_STATUSES] as RunStatus[] }, 1, null),
      this.stats(job.name, since),
      this.deps.nextFire.nextFor(job.name),
      this.scheduleService.pauseNotes(),
      enabled ? null : this.deps.pauses.get(jobTarget(job.name)),
      new ManualCooldown(this.deps).windowAt(job, this.deps.clock.now()),
    ]);
    const lastRun = last.runs[0];
    return {
      name: job.name,
      // Issue 14 part C: one string for clients that want one (English), and the job's words.
      description: job.description.en,
      description_i18n: job.description,
      stage_labels: job.stage_labels ?? {},
      messages: job.messages ?? {},
      skip_reasons: job.skip_reasons ?? {},
      item_labels: job.item_labels ?? {},
      category: job.category,
      data_sources: job.data_sources,
      enabled,
      pause: toPauseNote(jobNote),
      parameter_schema: parameterSchema(job),
      concurrency: job.concurrency,
      timeout_seconds: job.timeout_seconds,
      retry: job.retry,
      stages: job.stages ?? [],
      runtime: job.runtime,
      fargate: job.fargate ?? null,
      schedules: schedules.filter((s) => s.job_name === job.name).map((s) => this.scheduleSummary(s, notes)),
      next_scheduled_for: next,
      last_run: lastRun ? summarize(lastRun) : null,
      active_runs: active.filter((r) => r.job_name === job.name).map(summarize),
      stats_24h: stats,
      // Issue 16 part 6: what the card says ("手動実行後 1 時間はスケジュール実行をスキップ", until when).
      cooldown: job.cooldown_seconds_after_manual
        ? {
            seconds_after_manual: job.cooldown_seconds_after_manual,
            manual_started_at: cooling?.manual_started_at ?? null,
            until: cooling?.until.toISOString() ?? null,
          }
        : null,
    };
  }
}

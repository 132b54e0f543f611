// Manual trigger (POST /v1/trigger) and, later, rerun: validate, claim the slot together with the
// run record, then start the workflow execution named by the execution_uuid.

import { randomUUID } from "node:crypto";
import type { TriggerSource } from "../schemas/run.ts";
import { AuditTrail } from "./audit.ts";
import { concurrencyKey } from "./concurrency.ts";
import { type CoreDeps, expiresAt } from "./deps.ts";
import {
  ConflictError,
  issuesToFields,
  RateLimitedError,
  UnavailableError,
  ValidationError,
} from "./errors.ts";
import { durationSeconds, isFinished, newRun } from "./run-lifecycle.ts";

export type TriggerCommand = {
  job_name: string;
  options: Record<string, unknown> | undefined;
  actor: string;
  trigger_source: Extract<TriggerSource, "manual" | "api" | "rerun">;
};

export type TriggerResult = { execution_uuid: string; status: "RUNNING"; next_scheduled_for: string | null };

export class TriggerService {
  constructor(private readonly deps: CoreDeps) {}

  async trigger(cmd: TriggerCommand): Promise<TriggerResult> {
    const { registry, control, runs, workflow, clock, logger, nextFire } = this.deps;
    const job = registry.get(cmd.job_name);
    const parsed = job.parameters.safeParse(cmd.options ?? {});
    if (!parsed.success) {
      throw new ValidationError(
        `options do not match the parameters of ${job.name}`,
        issuesToFields(parsed.error.issues, "options"),
      );
    }
    const params = parsed.data as Record<string, unknown>;
    await this.checkRate(cmd.actor);
    if (!(await control.getJobEnabled(job.name))) {
      throw new ConflictError("job_disabled", `job ${job.name} is disabled`, { job_name: job.name });
    }
    const key = concurrencyKey(job.name, job.concurrency, params);
    const executionUuid = randomUUID();
    const run = newRun({
      execution_uuid: executionUuid,
      job_name: job.name,
      params,
      data_source: job.data_sources,
      concurrency_key: key,
      trigger_source: cmd.trigger_source,
      triggered_by: cmd.actor,
      status: "RUNNING",
      now: clock.now(),
    });
    const holder = { execution_uuid: executionUuid, job_name: job.name, acquired_at: run.started_at };
    let claim = await control.acquireSlot(key, holder, run);
    if (!claim.acquired && claim.holder && (await this.releaseIfStale(key, claim.holder.execution_uuid))) {
      claim = await control.acquireSlot(key, holder, run);
    }
    if (claim.acquired) {
      await runs.noteCreated(run);
    } else {
      throw new ConflictError("already_running", `a run of ${job.name} is already running`, {
        job_name: job.name,
        execution_uuid: claim.holder?.execution_uuid ?? null,
      });
    }
    try {
      await workflow.start(job.name, executionUuid, {
        job_name: job.name,
        execution_uuid: executionUuid,
        params,
        trigger_source: cmd.trigger_source,
        triggered_by: cmd.actor,
      });
    } catch (e) {
      // Nothing will run: end the record and free the slot so the operator can simply try again.
      logger.error("workflow start failed", { execution_uuid: executionUuid, error: String(e) });
      const now = clock.now();
      await runs.finish(executionUuid, ["RUNNING"], {
        status: "FAILURE",
        finished_at: now.toISOString(),
        duration_seconds: durationSeconds(run.started_at, now.toISOString()),
        error_summary: `could not start the workflow: ${String(e)}`.slice(0, 512),
        next_scheduled_for: null,
        expires_at: expiresAt(now, this.deps.settings.retentionDays),
      });
      await control.releaseSlot(key, executionUuid);
      throw new UnavailableError(
        "the workflow service did not accept the start; nothing is running, try again",
      );
    }
    logger.info("run triggered", { execution_uuid: executionUuid, job_name: job.name, actor: cmd.actor });
    // A rerun is audited by RunCommands.rerun, with the run it repeats.
    if (cmd.trigger_source !== "rerun") {
      await new AuditTrail(this.deps).record("run.trigger", cmd.actor, {
        target: executionUuid,
        target_name: job.name,
        after: { job_name: job.name, params, trigger_source: cmd.trigger_source },
      });
    }
    return {
      execution_uuid: executionUuid,
      status: "RUNNING",
      next_scheduled_for: await nextFire.nextFor(job.name),
    };
  }

  /** Per-user fixed window on manual starts: a runaway script cannot flood the workflows. */
  private async checkRate(actor: string): Promise<void> {
    const limit = this.deps.settings.triggersPerMinute ?? 30;
    if (limit <= 0) return;
    const now = this.deps.clock.now().getTime() / 1000;
    const windowStart = Math.floor(now / 60) * 60;
    const hits = await this.deps.control.countHit(`trigger#${actor}`, windowStart, 60);
    if (hits > limit) {
      const retryAfter = Math.max(1, Math.ceil(windowStart + 60 - now));
      throw new RateLimitedError(
        `at most ${limit} manual starts per minute; try again in ${retryAfter} s`,
        retryAfter,
      );
    }
  }

  /**
   * A slot whose holder has finished (or vanished) is left over from a crash between "finish" and
   * "release": free it so it cannot block the job forever.
   */
  private async releaseIfStale(key: string, holderUuid: string): Promise<boolean> {
    const holderRun = await this.deps.runs.get(holderUuid);
    if (holderRun && !isFinished(holderRun.status)) return false;
    this.deps.logger.warn("released a stale slot", { concurrency_key: key, execution_uuid: holderUuid });
    await this.deps.control.releaseSlot(key, holderUuid);
    return true;
  }
}

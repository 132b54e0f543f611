// Manual trigger (POST /v1/trigger) and rerun: validate, claim the slot together with the run record
// (and the rate window, the job flag, the audit entry), then start the workflow execution named by
// the execution_uuid.

import { randomUUID } from "node:crypto";
import { DEFAULTS } from "#config/defaults.ts";
import { AuditTrail } from "#domain/audit.ts";
import { type CoreDeps, expiresAt } from "#domain/core-deps.ts";
import {
  ConflictError,
  issuesToFields,
  RateLimitedError,
  UnavailableError,
  ValidationError,
} from "#domain/errors.ts";
import { isStoreUnavailable } from "#domain/store-failures.ts";
import type { RateWindow } from "#ports/control-store.ts";
import type { Run, TriggerSource } from "#schemas/run.ts";
import { concurrencyKey } from "./concurrency-key.ts";
import { durationSeconds, isFinished, newRun } from "./run-lifecycle.ts";
import { taskParamsIssue } from "./task-override-size.ts";

export type TriggerCommand = {
  job_name: string;
  options: Record<string, unknown> | undefined;
  actor: string;
  trigger_source: Extract<TriggerSource, "manual" | "api" | "rerun">;
  /** For a rerun: the run it repeats (named in the audit entry). */
  rerun_of?: string;
  /** The id reserved for the run (an Idempotency-Key's claim); a new one when absent. */
  execution_uuid?: string;
};

export type TriggerResult = { execution_uuid: string; status: "RUNNING"; next_scheduled_for: string | null };

/**
 * Claims tried before giving up: a claim is repeated only when the slot was freed between the
 * refusal and the look at its holder, a stale holder was released, or another write touched the
 * same items at that instant. Each repeat is a fresh all-or-nothing write.
 */
const MAX_CLAIMS = 5;

export class TriggerService {
  constructor(private readonly deps: CoreDeps) {}

  /**
   * One conditional write decides and records the start (rate window, job flag, slot, RUNNING run,
   * audit entry), then the workflow starts. The next fire time, which does not depend on the start,
   * is read meanwhile.
   */
  async trigger(cmd: TriggerCommand): Promise<TriggerResult> {
    const { registry, runs, workflow, clock, logger, nextFire } = this.deps;
    const job = registry.get(cmd.job_name);
    const parsed = job.parameters.safeParse(cmd.options ?? {});
    if (!parsed.success) {
      throw new ValidationError(
        `options do not match the parameters of ${job.name}`,
        issuesToFields(parsed.error.issues, "options", cmd.options ?? {}),
      );
    }
    const params = parsed.data as Record<string, unknown>;
    const key = concurrencyKey(job.name, job.concurrency, params);
    // A fargate job's run travels in ECS's 8 KiB container override: refused now, not at RunTask.
    // A rerun's params are the earlier run's (named `params`); a trigger's are its `options`.
    const tooLarge = taskParamsIssue(job, params, key, cmd.trigger_source === "rerun" ? "params" : "options");
    if (tooLarge) throw new ValidationError(`${tooLarge.field} ${tooLarge.message}`, [tooLarge]);
    const executionUuid = cmd.execution_uuid ?? randomUUID();
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
      scheduled_for: clock.now().toISOString(),
    });
    const claimed = this.claim(cmd, run);
    // Read while the claim is written: the answer's next fire time does not depend on it — except
    // for a job with a cooldown after a manual run (issue 16 part 6): this run starts one, so it is read after.
    const next = (
      job.cooldown_seconds_after_manual
        ? claimed.then(
            () => nextFire.nextFor(job.name),
            // a refused claim is answered by `await claimed` below, not logged here
            () => null,
          )
        : nextFire.nextFor(job.name)
    ).catch((e: unknown) => {
      // The run is started either way; a schedule that cannot be evaluated must not turn it into an error.
      logger.warn("next fire time not computed", { job_name: job.name, error: String(e) });
      return null;
    });
    await claimed;
    try {
      // Inside the try: once the claim holds the slot, any failure before the workflow runs must end
      // the run and free the slot, or the retry the client is told to make finds it "already running".
      await runs.noteCreated(run);
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
      await this.deps.control.releaseSlot(key, executionUuid);
      // The workflow service refused the input itself: the client's to fix, with the service's words.
      if (e instanceof ValidationError) throw e;
      // The store failed before the start: the client is told to retry when it is back (503).
      if (isStoreUnavailable(e)) throw e;
      throw new UnavailableError(
        "the workflow service did not accept the start; nothing is running, try again",
      );
    }
    logger.info("run triggered", { execution_uuid: executionUuid, job_name: job.name, actor: cmd.actor });
    return { execution_uuid: executionUuid, status: "RUNNING", next_scheduled_for: await next };
  }

  /** Takes the slot with the RUNNING run, or throws the refusal the API answers (429 / 409). */
  private async claim(cmd: TriggerCommand, run: Run): Promise<void> {
    const key = run.concurrency_key;
    const holder = {
      execution_uuid: run.execution_uuid,
      job_name: run.job_name,
      acquired_at: run.started_at,
    };
    const audit = new AuditTrail(this.deps).entry(
      cmd.trigger_source === "rerun" ? "run.rerun" : "run.trigger",
      cmd.actor,
      {
        target: run.execution_uuid,
        target_name: run.job_name,
        after:
          cmd.trigger_source === "rerun"
            ? { job_name: run.job_name, params: run.params, rerun_of: cmd.rerun_of ?? null }
            : { job_name: run.job_name, params: run.params, trigger_source: cmd.trigger_source },
      },
    );
    const window = this.rateWindow(cmd.actor);
    for (let attempt = 1; ; attempt++) {
      const result = await this.deps.control.claimStart({
        key,
        holder,
        run,
        jobName: run.job_name,
        rate: window?.rate ?? null,
        audit,
      });
      switch (result.outcome) {
        case "claimed":
          return;
        case "rate_limited":
          throw new RateLimitedError(
            `at most ${window?.rate.limit} manual starts per minute; try again in ${window?.retryAfter} s`,
            window?.retryAfter ?? 60,
          );
        case "job_disabled":
          throw new ConflictError("job_disabled", `job ${run.job_name} is disabled`, {
            job_name: run.job_name,
          });
        case "slot_taken":
          if (result.holder && !(await this.releaseIfStale(key, result.holder.execution_uuid))) {
            throw new ConflictError("already_running", `a run of ${run.job_name} is already running`, {
              job_name: run.job_name,
              execution_uuid: result.holder.execution_uuid,
            });
          }
          break; // freed meanwhile, or a stale holder released: claim again
        case "contended":
          await new Promise((r) => setTimeout(r, 5 + Math.random() * 20 * attempt));
          break;
      }
      if (attempt >= MAX_CLAIMS) {
        throw new UnavailableError(
          `the slot of ${run.job_name} kept changing hands; nothing started, try again`,
        );
      }
    }
  }

  /** Per-user fixed window on manual starts: a runaway script cannot flood the workflows. */
  private rateWindow(actor: string): { rate: RateWindow; retryAfter: number } | null {
    const limit = this.deps.settings.triggersPerMinute ?? DEFAULTS.triggersPerMinute;
    if (limit <= 0) return null;
    const now = this.deps.clock.now().getTime() / 1000;
    const windowStart = Math.floor(now / 60) * 60;
    return {
      rate: { key: `trigger#${actor}`, windowStartEpochSeconds: windowStart, windowSeconds: 60, limit },
      retryAfter: Math.max(1, Math.ceil(windowStart + 60 - now)),
    };
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

// What a job is (spec/model.md "Job"): the contract between job modules and the runtime.
import type * as z from "zod/mini";
import type { CompanyStore, RecapStore } from "#ports/job-data.ts";
import type { ConcurrencyMode, DefaultSchedule, RetryPolicy } from "#schemas/job.ts";
import type { StageStatus } from "#schemas/run.ts";

export type JobParams = Record<string, unknown>;

export interface JobLogger {
  debug(message: string, extra?: Record<string, unknown>): void;
  info(message: string, extra?: Record<string, unknown>): void;
  warn(message: string, extra?: Record<string, unknown>): void;
  error(message: string, extra?: Record<string, unknown>): void;
}

/** Data a job may touch. Adapters are injected by the host (Lambda or local stack). */
export interface JobServices {
  companies: CompanyStore;
  recaps: RecapStore;
}

export interface JobCounters {
  input(n?: number): void;
  inserted(n?: number): void;
  updated(n?: number): void;
  skipped(reason: string, n?: number): void;
  errors(n?: number): void;
}

export interface JobContext<P> {
  readonly params: P;
  readonly executionUuid: string;
  readonly attempt: number;
  readonly logger: JobLogger;
  /** Fires when the run is cancelled or times out; long loops should check it. */
  readonly signal: AbortSignal;
  readonly services: JobServices;
  progress(p: { current?: number | null; total?: number | null; message?: string | null }): void;
  /** Marks `name` running and the previous stage done. */
  stage(name: string): void;
  item(name: string, p: { current?: number; total?: number | null; status?: StageStatus }): void;
  readonly count: JobCounters;
  /** Throws an AbortError-like error if the signal fired. */
  throwIfCancelled(): void;
}

// biome-ignore lint/suspicious/noExplicitAny: a registry holds jobs of different parameter schemas
export type AnyParamsSchema = z.ZodMiniType<any, any>;

export interface JobDefinition<S extends AnyParamsSchema = AnyParamsSchema> {
  name: string;
  description: string;
  category: string;
  data_sources: string[];
  parameters: S;
  concurrency: ConcurrencyMode;
  timeout_seconds: number;
  retry: RetryPolicy;
  stages?: string[];
  default_schedules?: DefaultSchedule[];
  run(ctx: JobContext<z.output<S>>): Promise<void>;
}

// A recording JobContext for unit tests of job modules, plus in-memory job-data stores.
// It keeps every call (stages, items, progress, counters, log lines) so tests can assert on them.
import type { JobContext, JobDefinition, JobLogger, ProgressMessage } from "#domain/jobs/job-definition.ts";
import { type Lang, renderTemplate } from "#domain/jobs/job-words.ts";
import type { CandidateStore } from "#jobs/clone/candidate-store.ts";
import type { CandidateRecord } from "#jobs/clone/candidates.ts";
import type { CompanyRecord, CompanyStore } from "#jobs/listed-companies/company-store.ts";
import type { RecapDigest, RecapStore } from "#jobs/recap/recap-store.ts";
import type { RunSkip, StageStatus } from "#schemas/run.ts";

export type ItemCall = {
  name: string;
  current?: number;
  total?: number | null;
  status?: StageStatus;
  stage: string | null;
};
export type ProgressCall = {
  current?: number | null;
  total?: number | null;
  message?: ProgressMessage | null;
  stage: string | null;
};
export type LogLine = {
  level: "debug" | "info" | "warn" | "error";
  message: string;
  extra?: Record<string, unknown>;
};

export type RecordedCounts = {
  input: number;
  inserted: number;
  updated: number;
  skipped: number;
  errors: number;
  skipBreakdown: Record<string, number>;
};

export class InMemoryCompanyStore implements CompanyStore {
  readonly records = new Map<string, CompanyRecord>();
  /** Sizes of each putMany call, in order. */
  readonly putCalls: number[] = [];

  constructor(initial: CompanyRecord[] = []) {
    for (const r of initial) this.records.set(r.code, { ...r });
  }

  async scanAll(): Promise<CompanyRecord[]> {
    return [...this.records.values()].map((r) => ({ ...r }));
  }

  async putMany(records: CompanyRecord[], onProgress?: (written: number) => void): Promise<void> {
    this.putCalls.push(records.length);
    let written = 0;
    for (let i = 0; i < records.length; i += 25) {
      for (const r of records.slice(i, i + 25)) this.records.set(r.code, { ...r });
      written = Math.min(records.length, i + 25);
      onProgress?.(written);
    }
  }
}

export class InMemoryRecapStore implements RecapStore {
  readonly digests = new Map<string, RecapDigest>();
  readonly putCalls: RecapDigest[][] = [];

  async putDigests(digests: RecapDigest[]): Promise<void> {
    this.putCalls.push(digests);
    for (const d of digests) this.digests.set(`${d.digest_date}#${d.genre}`, structuredClone(d));
  }
}

/** The example jobs' stores, in memory (a test passes its own to watch them). */
/** Issue 17 CLONE: the Clone batches' review candidates, in memory. */
export class InMemoryCandidateStore implements CandidateStore {
  readonly records = new Map<string, CandidateRecord>();
  /** Sizes of each putMany call, in order. */
  readonly putCalls: number[] = [];

  constructor(initial: CandidateRecord[] = []) {
    for (const r of initial) this.records.set(r.pk, structuredClone(r));
  }

  async scanAll(): Promise<CandidateRecord[]> {
    return [...this.records.values()].map((r) => structuredClone(r));
  }

  async putMany(records: CandidateRecord[], onProgress?: (written: number) => void): Promise<void> {
    this.putCalls.push(records.length);
    for (const [i, r] of records.entries()) {
      this.records.set(r.pk, structuredClone(r));
      if ((i + 1) % 25 === 0 || i === records.length - 1) onProgress?.(i + 1);
    }
  }
}

export type FakeStores = { companies: CompanyStore; recaps: RecapStore; candidates: CandidateStore };

export class FakeJobContext<P> implements JobContext<P, FakeStores> {
  readonly executionUuid: string;
  readonly attempt: number;
  /** Issue 16: a fixed logical time (tests that read it set their own). */
  scheduledFor: Date = new Date("2025-10-01T00:00:00Z");
  readonly stores: FakeStores;
  readonly controller = new AbortController();
  readonly signal: AbortSignal = this.controller.signal;

  /** Stage names in the order `stage()` was called. */
  readonly stages: string[] = [];
  readonly items: ItemCall[] = [];
  readonly progressCalls: ProgressCall[] = [];
  readonly logs: LogLine[] = [];
  readonly counts: RecordedCounts = {
    input: 0,
    inserted: 0,
    updated: 0,
    skipped: 0,
    errors: 0,
    skipBreakdown: {},
  };

  readonly logger: JobLogger;
  readonly count: JobContext<P>["count"];
  /** Set by ctx.skip: the run would end SKIPPED with this reason. */
  skipped: RunSkip | null = null;
  private readonly secrets: Record<string, string>;
  /** Keys the job asked ctx.secret for, in order. */
  readonly secretReads: string[] = [];

  async secret(key: string): Promise<string | null> {
    this.secretReads.push(key);
    return this.secrets[key] ?? null;
  }

  constructor(
    readonly params: P,
    opts: {
      stores?: Partial<FakeStores>;
      executionUuid?: string;
      attempt?: number;
      /** Issue 17: the values ctx.secret(key) answers, by key (absent = not configured). */
      secrets?: Record<string, string>;
    } = {},
  ) {
    this.secrets = opts.secrets ?? {};
    this.executionUuid = opts.executionUuid ?? "00000000-0000-4000-8000-000000000001";
    this.attempt = opts.attempt ?? 1;
    this.stores = {
      companies: opts.stores?.companies ?? new InMemoryCompanyStore(),
      recaps: opts.stores?.recaps ?? new InMemoryRecapStore(),
      candidates: opts.stores?.candidates ?? new InMemoryCandidateStore(),
    };
    const log =
      (level: LogLine["level"]) =>
      (message: string, extra?: Record<string, unknown>): void => {
        this.logs.push({ level, message, extra });
      };
    this.logger = { debug: log("debug"), info: log("info"), warn: log("warn"), error: log("error") };
    const c = this.counts;
    this.count = {
      input: (n = 1) => {
        c.input += n;
      },
      inserted: (n = 1) => {
        c.inserted += n;
      },
      updated: (n = 1) => {
        c.updated += n;
      },
      skipped: (reason: string, n = 1) => {
        c.skipped += n;
        c.skipBreakdown[reason] = (c.skipBreakdown[reason] ?? 0) + n;
      },
      errors: (n = 1) => {
        c.errors += n;
      },
    };
  }

  get currentStage(): string | null {
    return this.stages.at(-1) ?? null;
  }

  progress(p: { current?: number | null; total?: number | null; message?: ProgressMessage | null }): void {
    this.progressCalls.push({ ...p, stage: this.currentStage });
  }

  stage(name: string): void {
    this.stages.push(name);
  }

  item(name: string, p: { current?: number; total?: number | null; status?: StageStatus }): void {
    this.items.push({ name, ...p, stage: this.currentStage });
  }

  throwIfCancelled(): void {
    if (this.signal.aborted) {
      const e = new Error(String(this.signal.reason ?? "cancelled"));
      e.name = "AbortError";
      throw e;
    }
  }

  skip(reason: string, detail?: string): void {
    this.skipped = { reason, detail: detail ?? null };
  }

  /** Cancels the run, as a timeout or a stop request would. */
  cancel(reason = "cancelled"): void {
    this.controller.abort(reason);
  }

  /** Item calls made while `stage` was running. */
  itemsIn(stage: string): ItemCall[] {
    return this.items.filter((i) => i.stage === stage);
  }

  /** The last item call per item name. */
  lastItems(): Map<string, ItemCall> {
    const out = new Map<string, ItemCall>();
    for (const i of this.items) out.set(i.name, i);
    return out;
  }

  /** The messages as said in `lang` from `job`'s catalog (a key missing from it stays `[[key]]`). */
  messages(job: Pick<JobDefinition, "messages">, lang: Lang = "en"): string[] {
    return this.progressCalls.flatMap((p) => {
      const m = p.message;
      if (!m) return [];
      if (typeof m === "string") return [m];
      const template = job.messages?.[m.key]?.[lang];
      return [template ? renderTemplate(template, m.params, lang) : `[[${m.key}]]`];
    });
  }

  /** Keys of the keyed messages, in order. */
  messageKeys(): string[] {
    return this.progressCalls.flatMap((p) =>
      p.message && typeof p.message !== "string" ? [p.message.key] : [],
    );
  }
}

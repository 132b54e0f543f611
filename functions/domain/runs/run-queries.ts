// Read side of runs: the history list with its opaque cursor, one run, job summaries.
import { createHmac, timingSafeEqual } from "node:crypto";
import type { CoreDeps } from "#domain/core-deps.ts";
import { NotFoundError, ValidationError } from "#domain/errors.ts";
import { toUtcIso } from "#domain/time.ts";
import type { RunFilter, RunPosition } from "#ports/run-store.ts";
import type { RunsPage } from "#schemas/answers.ts";
import type { Run, RunStatus, TriggerSource } from "#schemas/run.ts";
import { canonicalJson } from "./concurrency-key.ts";
import { listItem } from "./run-summary.ts";

export type ListRunsParams = {
  job_name?: string;
  status?: string;
  started_after?: string;
  started_before?: string;
  data_source?: string;
  trigger_source?: TriggerSource;
  execution_id?: string;
  /** issue 16 part 3: "true" flagged runs only, "false" unflagged only */
  anomaly?: "true" | "false";
  limit?: number;
  cursor?: string;
};

/** GET /v1/runs: the history table's rows (RunListItemSchema); `get` has the whole run. */
export type { RunsPage };

/** Where the history's total stops counting ("1,000+"): a COUNT reads every item it counts. */
export const TOTAL_CAP = 1000;

export const badCursor = () =>
  new ValidationError("invalid cursor", [{ field: "cursor", message: "is not a cursor of this query" }]);

/**
 * Cursors are HMAC-signed and bound to the filter they were made for, so a tampered cursor or one
 * from another query is refused (400) instead of reading somewhere unexpected.
 */
export class CursorCodec {
  constructor(private readonly secret: string) {}

  encode(position: RunPosition, filterFingerprint: string): string {
    return this.seal({ p: position, f: filterFingerprint });
  }

  decode(cursor: string, filterFingerprint: string): RunPosition {
    const parsed = this.open(cursor) as { p?: RunPosition; f?: string };
    const p = parsed.p;
    if (
      parsed.f !== filterFingerprint ||
      !p ||
      typeof p.execution_uuid !== "string" ||
      typeof p.started_at !== "string" ||
      typeof p.job_name !== "string"
    ) {
      throw badCursor();
    }
    return p;
  }

  /** Any small JSON value, signed and bound to `scope` (e.g. the schedules list's filter). */
  encodeValue(value: unknown, scope: string): string {
    return this.seal({ v: value, f: scope });
  }

  decodeValue(cursor: string, scope: string): unknown {
    const parsed = this.open(cursor) as { v?: unknown; f?: string };
    if (parsed.f !== scope) throw badCursor();
    return parsed.v;
  }

  private seal(payload: object): string {
    const body = Buffer.from(JSON.stringify(payload)).toString("base64url");
    return `${body}.${this.sign(body)}`;
  }

  /** The signed JSON object inside a cursor; anything else (tampered, foreign, garbage) is a 400. */
  private open(cursor: string): object {
    const [body, sig, extra] = cursor.split(".");
    if (!body || !sig || extra !== undefined) throw badCursor();
    const expected = Buffer.from(this.sign(body));
    const given = Buffer.from(sig);
    if (expected.length !== given.length || !timingSafeEqual(expected, given)) throw badCursor();
    let parsed: unknown;
    try {
      parsed = JSON.parse(Buffer.from(body, "base64url").toString("utf8"));
    } catch {
      throw badCursor();
    }
    if (!parsed || typeof parsed !== "object") throw badCursor();
    return parsed;
  }

  private sign(body: string): string {
    return createHmac("sha256", this.secret).update(body).digest("base64url").slice(0, 32);
  }
}

export class RunQueries {
  constructor(
    private readonly deps: CoreDeps,
    private readonly cursors: CursorCodec,
  ) {}

  /** A page of runs in their list form; the full record of one is `get`. */
  async list(q: ListRunsParams): Promise<RunsPage> {
    // A whole execution id is one read of its run, whatever the other filters: scanning the
    // feed for a prefix that matches at most one item would read it all.
    if (q.execution_id?.length === 36) return this.byId(q.execution_id.toLowerCase(), q.job_name);
    const filter: RunFilter = {
      job_name: q.job_name,
      statuses: q.status
        ? ([...new Set(q.status.split(",").map((s) => s.trim()))] as RunStatus[])
        : undefined,
      started_after: q.started_after ? toUtcIso(q.started_after) : undefined,
      started_before: q.started_before ? toUtcIso(q.started_before) : undefined,
      data_source: q.data_source,
      trigger_source: q.trigger_source,
      execution_prefix: q.execution_id ? q.execution_id.toLowerCase() : undefined,
      anomaly: q.anomaly === undefined ? undefined : q.anomaly === "true",
    };
    if (filter.started_after && filter.started_before && filter.started_after > filter.started_before) {
      throw new ValidationError("invalid period", [
        { field: "started_after", message: "must not be later than started_before" },
      ]);
    }
    const fingerprint = canonicalJson(filter);
    const after = q.cursor ? this.cursors.decode(q.cursor, fingerprint) : null;
    const limit = q.limit ?? 100;
    // The total is the filter's, so the first page counts it and the next pages do not again.
    const [page, next, total] = await Promise.all([
      this.deps.runs.list(filter, limit, after),
      this.deps.nextFire.nextFor(q.job_name),
      after ? null : this.deps.runs.count(filter, TOTAL_CAP),
    ]);
    return {
      next_scheduled_for: next,
      total,
      count: page.runs.length,
      results: page.runs.map(listItem),
      next_cursor: page.next ? this.cursors.encode(page.next, fingerprint) : null,
    };
  }

  private async byId(executionUuid: string, jobName: string | undefined): Promise<RunsPage> {
    const [run, next] = await Promise.all([
      this.deps.runs.get(executionUuid),
      this.deps.nextFire.nextFor(jobName),
    ]);
    const results = run ? [listItem(run)] : [];
    return {
      next_scheduled_for: next,
      total: { count: results.length, capped: false },
      count: results.length,
      results,
      next_cursor: null,
    };
  }

  async get(executionUuid: string): Promise<Run> {
    const run = await this.deps.runs.get(executionUuid.toLowerCase());
    if (!run) throw new NotFoundError("run", executionUuid);
    return run;
  }
}

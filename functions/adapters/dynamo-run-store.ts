// RunStore on DynamoDB (runs table, see table-definitions.ts).
import {
  type DynamoDBDocumentClient,
  GetCommand,
  PutCommand,
  QueryCommand,
  type QueryCommandInput,
  UpdateCommand,
} from "@aws-sdk/lib-dynamodb";
import type {
  FinishUpdate,
  ProgressUpdate,
  RunFilter,
  RunPage,
  RunPosition,
  RunStore,
} from "#ports/run-store.ts";
import { ACTIVE_STATUSES, RUN_STATUSES, type Run, type RunStatus } from "#schemas/run.ts";
import { isConditionFailure } from "./dynamo-errors.ts";
import { RUNS_INDEX } from "./table-definitions.ts";

/** Month bucket of the all-jobs feed index: spreads writes over partitions, keeps queries cheap. */
export function feedBucket(startedAt: string): string {
  return startedAt.slice(0, 7);
}

/** The month before a "yyyy-mm" bucket ("2026-01" → "2025-12"). */
export function previousBucket(bucket: string): string {
  const [y, m] = bucket.split("-").map(Number) as [number, number];
  return m === 1 ? `${y - 1}-12` : `${y}-${String(m - 1).padStart(2, "0")}`;
}

const ACTIVE_FLAG = "1";
/** Marker item that remembers the oldest feed bucket, so a walk knows where history ends. */
const FEED_META_KEY = "__meta__feed";

const RUN_FIELDS: readonly (keyof Run)[] = [
  "execution_uuid",
  "job_name",
  "schedule_id",
  "schedule_name",
  "trigger_source",
  "triggered_by",
  "data_source",
  "params",
  "status",
  "started_at",
  "finished_at",
  "duration_seconds",
  "input_count",
  "inserted_count",
  "updated_count",
  "skipped_count",
  "error_count",
  "skip_breakdown",
  "error_summary",
  "progress",
  "attempt",
  "next_scheduled_for",
  "workflow_execution_arn",
  "console_url",
  "logs_url",
  "concurrency_key",
  "created_at",
  "updated_at",
];

export function toRunItem(run: Run): Record<string, unknown> {
  const item: Record<string, unknown> = { ...run, feed_bucket: feedBucket(run.started_at) };
  if ((ACTIVE_STATUSES as readonly string[]).includes(run.status)) item.active_flag = ACTIVE_FLAG;
  return item;
}

export function fromRunItem(item: Record<string, unknown>): Run {
  const run: Record<string, unknown> = {};
  for (const f of RUN_FIELDS) run[f] = item[f] ?? null;
  return run as Run;
}

export class DynamoRunStore implements RunStore {
  private knownEarliestBucket: string | null = null;

  constructor(
    private readonly doc: DynamoDBDocumentClient,
    private readonly tableName: string,
    private readonly now: () => Date = () => new Date(),
  ) {}

  async create(run: Run): Promise<boolean> {
    try {
      await this.doc.send(
        new PutCommand({
          TableName: this.tableName,
          Item: toRunItem(run),
          ConditionExpression: "attribute_not_exists(execution_uuid)",
        }),
      );
    } catch (e) {
      if (isConditionFailure(e)) return false;
      throw e;
    }
    await this.noteBucket(feedBucket(run.started_at));
    return true;
  }

  async noteCreated(run: Run): Promise<void> {
    await this.noteBucket(feedBucket(run.started_at));
  }

  /** Lowers the feed's earliest-bucket marker when needed (once per bucket per process). */
  async noteBucket(bucket: string): Promise<void> {
    if (this.knownEarliestBucket !== null && this.knownEarliestBucket <= bucket) return;
    try {
      await this.doc.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: { execution_uuid: FEED_META_KEY },
          UpdateExpression: "SET earliest_bucket = :b",
          ConditionExpression: "attribute_not_exists(earliest_bucket) OR earliest_bucket > :b",
          ExpressionAttributeValues: { ":b": bucket },
        }),
      );
      this.knownEarliestBucket = bucket;
    } catch (e) {
      if (!isConditionFailure(e)) throw e;
      this.knownEarliestBucket = await this.earliestBucket();
    }
  }

  private async earliestBucket(): Promise<string | null> {
    const out = await this.doc.send(
      new GetCommand({
        TableName: this.tableName,
        Key: { execution_uuid: FEED_META_KEY },
        ConsistentRead: true,
      }),
    );
    return (out.Item?.earliest_bucket as string | undefined) ?? null;
  }

  async get(executionUuid: string): Promise<Run | null> {
    const out = await this.doc.send(
      new GetCommand({
        TableName: this.tableName,
        Key: { execution_uuid: executionUuid },
        ConsistentRead: true,
      }),
    );
    if (!out.Item?.job_name) return null;
    if (this.isExpired(out.Item)) return null;
    return fromRunItem(out.Item);
  }

  private isExpired(item: Record<string, unknown>): boolean {
    const exp = item.expires_at;
    return typeof exp === "number" && exp * 1000 <= this.now().getTime();
  }

  private filterParts(filter: RunFilter) {
    const names: Record<string, string> = {};
    const values: Record<string, unknown> = { ":nowSec": Math.floor(this.now().getTime() / 1000) };
    // Expired runs are hidden even before DynamoDB's TTL sweep deletes them.
    const parts = ["(attribute_not_exists(expires_at) OR expires_at > :nowSec)"];
    if (filter.statuses?.length) {
      names["#status"] = "status";
      const keys = filter.statuses.map((s, i) => {
        values[`:st${i}`] = s;
        return `:st${i}`;
      });
      parts.push(`#status IN (${keys.join(", ")})`);
    }
    if (filter.data_source) {
      values[":ds"] = filter.data_source;
      parts.push("contains(data_source, :ds)");
    }
    if (filter.trigger_source) {
      values[":ts"] = filter.trigger_source;
      parts.push("trigger_source = :ts");
    }
    return { names, values, expression: parts.join(" AND ") };
  }

  async list(filter: RunFilter, limit: number, after: RunPosition | null): Promise<RunPage> {
    const want = limit + 1; // one extra tells whether another page exists
    const collected: Record<string, unknown>[] = [];
    const upper = after ? after.started_at : filter.started_before;
    const f = this.filterParts(filter);

    const runQuery = async (
      base: Omit<QueryCommandInput, "TableName">,
      startKey?: Record<string, unknown>,
    ) => {
      let exclusiveStartKey = startKey;
      do {
        const out = await this.doc.send(
          new QueryCommand({
            TableName: this.tableName,
            ...base,
            ScanIndexForward: false,
            Limit: Math.max(want - collected.length, filter.statuses || filter.data_source ? 100 : 1),
            ExclusiveStartKey: exclusiveStartKey,
          }),
        );
        for (const item of out.Items ?? []) {
          if (collected.length < want) collected.push(item);
        }
        exclusiveStartKey = out.LastEvaluatedKey;
      } while (exclusiveStartKey && collected.length < want);
    };

    const keyRange = (pkName: string, pkValue: string) => {
      const names: Record<string, string> = { ...f.names, "#pk": pkName };
      const values: Record<string, unknown> = { ...f.values, ":pk": pkValue };
      let cond = "#pk = :pk";
      const lo = filter.started_after;
      const hi = filter.started_before;
      if (lo || hi) names["#sa"] = "started_at";
      if (lo && hi) {
        values[":lo"] = lo;
        values[":hi"] = hi;
        cond += " AND #sa BETWEEN :lo AND :hi";
      } else if (lo) {
        values[":lo"] = lo;
        cond += " AND #sa >= :lo";
      } else if (hi) {
        values[":hi"] = hi;
        cond += " AND #sa <= :hi";
      }
      return {
        KeyConditionExpression: cond,
        FilterExpression: f.expression,
        ExpressionAttributeNames: names,
        ExpressionAttributeValues: values,
      };
    };

    if (filter.job_name) {
      await runQuery(
        { IndexName: RUNS_INDEX.byJob, ...keyRange("job_name", filter.job_name) },
        after
          ? { execution_uuid: after.execution_uuid, job_name: after.job_name, started_at: after.started_at }
          : undefined,
      );
    } else {
      const earliest = (await this.earliestBucket()) ?? feedBucket(this.now().toISOString());
      const floor =
        filter.started_after && feedBucket(filter.started_after) > earliest
          ? feedBucket(filter.started_after)
          : earliest;
      // Future-dated starts (clock skew) still show: begin at the newest bucket asked, but no later
      // than next month — every run starts on this clock, and a walk down from a far-future bound
      // (started_before=9999-12-31…) would be one query per month, ~95,000 of them.
      const latest = feedBucket(new Date(this.now().getTime() + 31 * 86_400_000).toISOString());
      const asked = feedBucket(upper ?? this.now().toISOString());
      let bucket = asked < latest ? asked : latest;
      let first = true;
      while (bucket >= floor && collected.length < want) {
        const startKey =
          first && after
            ? { execution_uuid: after.execution_uuid, feed_bucket: bucket, started_at: after.started_at }
            : undefined;
        await runQuery({ IndexName: RUNS_INDEX.feed, ...keyRange("feed_bucket", bucket) }, startKey);
        first = false;
        bucket = previousBucket(bucket);
      }
    }

    const hasMore = collected.length > limit;
    const page = collected.slice(0, limit).map(fromRunItem);
    const last = page[page.length - 1];
    return {
      runs: page,
      next:
        hasMore && last
          ? { execution_uuid: last.execution_uuid, started_at: last.started_at, job_name: last.job_name }
          : null,
    };
  }

  async listActive(jobName?: string): Promise<Run[]> {
    const items: Record<string, unknown>[] = [];
    let startKey: Record<string, unknown> | undefined;
    do {
      const out = await this.doc.send(
        new QueryCommand({
          TableName: this.tableName,
          IndexName: RUNS_INDEX.active,
          KeyConditionExpression: "active_flag = :a",
          FilterExpression: jobName ? "job_name = :j" : undefined,
          ExpressionAttributeValues: { ":a": ACTIVE_FLAG, ...(jobName ? { ":j": jobName } : {}) },
          ScanIndexForward: false,
          ExclusiveStartKey: startKey,
        }),
      );
      items.push(...(out.Items ?? []));
      startKey = out.LastEvaluatedKey;
    } while (startKey);
    // The index is eventually consistent: confirm with the item's own status.
    return items.map(fromRunItem).filter((r) => (ACTIVE_STATUSES as readonly string[]).includes(r.status));
  }

  async finish(executionUuid: string, from: RunStatus[], update: FinishUpdate): Promise<Run | null> {
    const values: Record<string, unknown> = {
      ":status": update.status,
      ":fin": update.finished_at,
      ":dur": update.duration_seconds,
      ":err": update.error_summary,
      ":next": update.next_scheduled_for,
      ":upd": update.finished_at,
    };
    const sets = [
      "#status = :status",
      "finished_at = :fin",
      "duration_seconds = :dur",
      "error_summary = :err",
      "next_scheduled_for = :next",
      "updated_at = :upd",
    ];
    if (update.counts) {
      for (const [k, v] of Object.entries(update.counts)) {
        values[`:c_${k}`] = v;
        sets.push(`${k} = :c_${k}`);
      }
    }
    if (update.progress !== undefined) {
      values[":progress"] = update.progress;
      sets.push("progress = :progress");
    }
    if (update.expires_at !== null) {
      values[":exp"] = update.expires_at;
      sets.push("expires_at = :exp");
    }
    const fromKeys = from.map((s, i) => {
      values[`:from${i}`] = s;
      return `:from${i}`;
    });
    try {
      const out = await this.doc.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: { execution_uuid: executionUuid },
          UpdateExpression: `SET ${sets.join(", ")} REMOVE active_flag`,
          ConditionExpression: `attribute_exists(execution_uuid) AND #status IN (${fromKeys.join(", ")})`,
          ExpressionAttributeNames: { "#status": "status" },
          ExpressionAttributeValues: values,
          ReturnValues: "ALL_NEW",
        }),
      );
      return out.Attributes ? fromRunItem(out.Attributes) : null;
    } catch (e) {
      if (isConditionFailure(e)) return null;
      throw e;
    }
  }

  async writeProgress(executionUuid: string, update: ProgressUpdate): Promise<boolean> {
    const values: Record<string, unknown> = {
      ":progress": update.progress,
      ":attempt": update.attempt,
      ":upd": update.progress.updated_at,
      ":running": "RUNNING",
    };
    const sets = ["progress = :progress", "attempt = :attempt", "updated_at = :upd"];
    for (const [k, v] of Object.entries(update.counts)) {
      values[`:c_${k}`] = v;
      sets.push(`${k} = :c_${k}`);
    }
    return this.updateIf(
      executionUuid,
      `SET ${sets.join(", ")}`,
      "#status = :running",
      { "#status": "status" },
      values,
    );
  }

  async patchActive(
    executionUuid: string,
    patch: Partial<Pick<Run, "attempt" | "workflow_execution_arn" | "console_url" | "logs_url" | "status">>,
  ): Promise<boolean> {
    const entries = Object.entries(patch).filter(([, v]) => v !== undefined);
    if (patch.status && !(ACTIVE_STATUSES as readonly string[]).includes(patch.status)) {
      throw new Error(`patchActive cannot set finished status ${patch.status}`);
    }
    const names: Record<string, string> = { "#status": "status" };
    const values: Record<string, unknown> = {
      ":upd": this.now().toISOString(),
      ":q": "QUEUED",
      ":r": "RUNNING",
    };
    const sets = ["updated_at = :upd"];
    for (const [k, v] of entries) {
      names[`#f_${k}`] = k;
      values[`:f_${k}`] = v;
      sets.push(`#f_${k} = :f_${k}`);
    }
    return this.updateIf(executionUuid, `SET ${sets.join(", ")}`, "#status IN (:q, :r)", names, values);
  }

  /** Applies `update` to the run if `condition` holds; false (not an error) when it does not. */
  private async updateIf(
    executionUuid: string,
    update: string,
    condition: string,
    names: Record<string, string>,
    values: Record<string, unknown>,
  ): Promise<boolean> {
    try {
      await this.doc.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: { execution_uuid: executionUuid },
          UpdateExpression: update,
          ConditionExpression: condition,
          ExpressionAttributeNames: names,
          ExpressionAttributeValues: values,
        }),
      );
      return true;
    } catch (e) {
      if (isConditionFailure(e)) return false;
      throw e;
    }
  }
}

export const ALL_RUN_STATUSES = RUN_STATUSES;

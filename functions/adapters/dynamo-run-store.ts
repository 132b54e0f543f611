// RunStore on DynamoDB (runs table, see table-definitions.ts). Item mapping is in
// dynamo-run-items.ts, the paged list query in dynamo-run-query.ts.
import {
  type DynamoDBDocumentClient,
  GetCommand,
  PutCommand,
  QueryCommand,
  UpdateCommand,
} from "@aws-sdk/lib-dynamodb";
import type {
  ActivePatch,
  FinishUpdate,
  ProgressUpdate,
  RunCount,
  RunFilter,
  RunPosition,
  RunStore,
  RunStorePage,
} from "#ports/run-store.ts";
import { ACTIVE_STATUSES, type Run, type RunCounts, type RunStatus } from "#schemas/run.ts";
import { isConditionFailure } from "./dynamo-errors.ts";
import { ACTIVE_FLAG, feedBucket, fromRunItem, toRunItem } from "./dynamo-run-items.ts";
import { countRuns, listRuns } from "./dynamo-run-query.ts";
import { RUNS_INDEX } from "./table-definitions.ts";

/** Item-only attribute: the cancelled run's final counts landed (writeCancelledCounts, once). */
export const CANCELLED_COUNTS_AT = "cancelled_counts_at";

/** Marker item that remembers the oldest feed bucket, so a walk knows where history ends. */
const FEED_META_KEY = "__meta__feed";

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

  list(filter: RunFilter, limit: number, after: RunPosition | null): Promise<RunStorePage> {
    const table = { doc: this.doc, tableName: this.tableName, now: this.now };
    return listRuns(table, () => this.earliestBucket(), filter, limit, after);
  }

  count(filter: RunFilter, cap: number): Promise<RunCount> {
    const table = { doc: this.doc, tableName: this.tableName, now: this.now };
    return countRuns(table, () => this.earliestBucket(), filter, cap);
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
    if (update.anomalies !== undefined) {
      values[":anom"] = update.anomalies;
      sets.push("anomalies = :anom");
    }
    if (update.cost !== undefined) {
      values[":cost"] = update.cost;
      sets.push("cost = :cost");
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
          // An ended run waits for no retry.
          UpdateExpression: `SET ${sets.join(", ")} REMOVE active_flag, retry_at`,
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
      ":no_retry": null,
    };
    // The attempt is under way: the retry wait (if any) is over.
    const sets = ["progress = :progress", "attempt = :attempt", "updated_at = :upd", "retry_at = :no_retry"];
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

  async patchActive(executionUuid: string, patch: ActivePatch): Promise<boolean> {
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

  async writeCancelledCounts(executionUuid: string, counts: RunCounts): Promise<boolean> {
    const values: Record<string, unknown> = { ":cancelled": "CANCELLED", ":at": this.now().toISOString() };
    const sets = [`${CANCELLED_COUNTS_AT} = :at`];
    for (const [k, v] of Object.entries(counts)) {
      values[`:c_${k}`] = v;
      sets.push(`${k} = :c_${k}`);
    }
    // In the condition, not read-then-write: a second flush (or one racing a reconcile that
    // ended the run otherwise) is refused by the table itself.
    return this.updateIf(
      executionUuid,
      `SET ${sets.join(", ")}`,
      `#status = :cancelled AND attribute_not_exists(${CANCELLED_COUNTS_AT})`,
      { "#status": "status" },
      values,
    );
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

// The paged runs query behind GET /v1/runs: one job's index, or a walk down the monthly buckets of
// the all-jobs feed, filtered, newest first. The run store's one complex read, kept on its own.
import { type DynamoDBDocumentClient, QueryCommand, type QueryCommandInput } from "@aws-sdk/lib-dynamodb";
import type { RunCount, RunFilter, RunPosition, RunStorePage } from "#ports/run-store.ts";
import { feedBucket, fromRunItem, previousBucket } from "./dynamo-run-items.ts";
import { RUNS_INDEX } from "./table-definitions.ts";

/** The runs table as the query reads it. */
export type RunTable = { doc: DynamoDBDocumentClient; tableName: string; now: () => Date };

/** The filter every page query carries (expired runs hidden even before the TTL sweep). */
function filterParts(filter: RunFilter, now: () => Date) {
  const names: Record<string, string> = {};
  const values: Record<string, unknown> = { ":nowSec": Math.floor(now().getTime() / 1000) };
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
  if (filter.execution_prefix) {
    // The table's key, projected into every index; a full id is found the same way.
    values[":eid"] = filter.execution_prefix;
    parts.push("begins_with(execution_uuid, :eid)");
  }
  if (filter.anomaly !== undefined) {
    // A flagged run's anomalies is a list; an unflagged one's is null. A filter on the page's key
    // range (the job's index or the feed's month), like status: flagged runs are rare, so a page of
    // them reads further down the range — bounded by the range and the 1 MB a call.
    values[":L"] = "L";
    parts.push(filter.anomaly ? "attribute_type(anomalies, :L)" : "NOT attribute_type(anomalies, :L)");
  }
  return { names, values, expression: parts.join(" AND ") };
}

/** The key condition (one index partition, the start window) and the filter of a runs query. */
function keyRange(filter: RunFilter, f: ReturnType<typeof filterParts>, pkName: string, pkValue: string) {
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
}

/** The months of the all-jobs feed a query walks, newest first: from `upper` down to the floor. */
async function feedBuckets(
  table: RunTable,
  earliestBucket: () => Promise<string | null>,
  filter: RunFilter,
  upper: string | undefined,
): Promise<string[]> {
  const earliest = (await earliestBucket()) ?? feedBucket(table.now().toISOString());
  const floor =
    filter.started_after && feedBucket(filter.started_after) > earliest
      ? feedBucket(filter.started_after)
      : earliest;
  // Future-dated starts (clock skew) still show: begin at the newest bucket asked, but no later
  // than next month — every run starts on this clock, and a walk down from a far-future bound
  // (started_before=9999-12-31…) would be one query per month, ~95,000 of them.
  const latest = feedBucket(new Date(table.now().getTime() + 31 * 86_400_000).toISOString());
  const asked = feedBucket(upper ?? table.now().toISOString());
  const buckets: string[] = [];
  for (let b = asked < latest ? asked : latest; b >= floor; b = previousBucket(b)) buckets.push(b);
  return buckets;
}

/**
 * How many runs match, by COUNT queries over the same key ranges as the list (DynamoDB still reads
 * and bills every item it examines, 1 MB a call): stops once `cap` is reached, so a wide filter
 * costs at most about `cap` items' reads and answers "cap or more".
 */
export async function countRuns(
  table: RunTable,
  earliestBucket: () => Promise<string | null>,
  filter: RunFilter,
  cap: number,
): Promise<RunCount> {
  const f = filterParts(filter, table.now);
  let count = 0;
  const countIn = async (base: Omit<QueryCommandInput, "TableName">) => {
    let startKey: Record<string, unknown> | undefined;
    do {
      const out = await table.doc.send(
        new QueryCommand({
          TableName: table.tableName,
          ...base,
          Select: "COUNT",
          Limit: 1000,
          ExclusiveStartKey: startKey,
        }),
      );
      count += out.Count ?? 0;
      startKey = out.LastEvaluatedKey;
    } while (startKey && count < cap);
  };
  if (filter.job_name) {
    await countIn({ IndexName: RUNS_INDEX.byJob, ...keyRange(filter, f, "job_name", filter.job_name) });
  } else {
    for (const bucket of await feedBuckets(table, earliestBucket, filter, filter.started_before)) {
      if (count >= cap) break;
      await countIn({ IndexName: RUNS_INDEX.feed, ...keyRange(filter, f, "feed_bucket", bucket) });
    }
  }
  return count >= cap ? { count: cap, capped: true } : { count, capped: false };
}

/** One page of runs; `earliestBucket` says where the feed's history ends. */
export async function listRuns(
  table: RunTable,
  earliestBucket: () => Promise<string | null>,
  filter: RunFilter,
  limit: number,
  after: RunPosition | null,
): Promise<RunStorePage> {
  const want = limit + 1; // one extra tells whether another page exists
  const collected: Record<string, unknown>[] = [];
  const upper = after ? after.started_at : filter.started_before;
  const f = filterParts(filter, table.now);

  const runQuery = async (base: Omit<QueryCommandInput, "TableName">, startKey?: Record<string, unknown>) => {
    let exclusiveStartKey = startKey;
    do {
      const out = await table.doc.send(
        new QueryCommand({
          TableName: table.tableName,
          ...base,
          ScanIndexForward: false,
          Limit: Math.max(
            want - collected.length,
            filter.statuses || filter.data_source || filter.execution_prefix || filter.anomaly !== undefined
              ? 100
              : 1,
          ),
          ExclusiveStartKey: exclusiveStartKey,
        }),
      );
      for (const item of out.Items ?? []) {
        if (collected.length < want) collected.push(item);
      }
      exclusiveStartKey = out.LastEvaluatedKey;
    } while (exclusiveStartKey && collected.length < want);
  };

  if (filter.job_name) {
    await runQuery(
      { IndexName: RUNS_INDEX.byJob, ...keyRange(filter, f, "job_name", filter.job_name) },
      after
        ? { execution_uuid: after.execution_uuid, job_name: after.job_name, started_at: after.started_at }
        : undefined,
    );
  } else {
    let first = true;
    for (const bucket of await feedBuckets(table, earliestBucket, filter, upper)) {
      if (collected.length >= want) break;
      const startKey =
        first && after
          ? { execution_uuid: after.execution_uuid, feed_bucket: bucket, started_at: after.started_at }
          : undefined;
      await runQuery({ IndexName: RUNS_INDEX.feed, ...keyRange(filter, f, "feed_bucket", bucket) }, startKey);
      first = false;
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

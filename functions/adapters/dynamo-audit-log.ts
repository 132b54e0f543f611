// AuditLog on the control table: one partition per month (pk AUDIT#2026-11), sorted by time
// (sk <at>#<id>), so a listing reads the months of its window newest first with Query, never a
// Scan. Filters on action / actor / target are applied by DynamoDB on the read pages.
import { type DynamoDBDocumentClient, PutCommand, QueryCommand } from "@aws-sdk/lib-dynamodb";
import type { AuditFilter, AuditLog, AuditPosition } from "#ports/audit-log.ts";
import type { AuditEntry } from "#schemas/audit.ts";
import { isConditionFailure } from "./dynamo-errors.ts";
import { feedBucket, previousBucket } from "./dynamo-run-items.ts";

const PREFIX = "AUDIT#";
/** Audit entries outlive runs: kept 400 days whatever the runs' retention. */
export const AUDIT_RETENTION_DAYS = 400;

// The same "yyyy-mm" month buckets as the runs' all-jobs feed.
const monthOf = feedBucket;

/**
 * The Put of one entry; also used inside other transactions (a manual start writes its entry with
 * its run, see DynamoControlStore.claimStart).
 */
export function auditPut(table: string, entry: AuditEntry) {
  const at = new Date(entry.at).toISOString();
  return {
    TableName: table,
    Item: {
      pk: `${PREFIX}${monthOf(at)}`,
      sk: `${at}#${entry.id}`,
      ...entry,
      at,
      expires_at: Math.floor(Date.parse(at) / 1000) + AUDIT_RETENTION_DAYS * 86400,
    },
    // An entry is written once; a retried write of the same id changes nothing.
    ConditionExpression: "attribute_not_exists(pk)",
  };
}

export class DynamoAuditLog implements AuditLog {
  constructor(
    private readonly doc: DynamoDBDocumentClient,
    private readonly table: string,
  ) {}

  async record(entry: AuditEntry): Promise<void> {
    await this.doc.send(new PutCommand(auditPut(this.table, entry))).catch((e: unknown) => {
      if (!isConditionFailure(e)) throw e;
    });
  }

  async list(filter: AuditFilter, limit: number, after: AuditPosition | null) {
    const entries: AuditEntry[] = [];
    const upper = after
      ? `${new Date(after.at).toISOString()}#${after.id}`
      : `${filter.until.toISOString()}#~`;
    const lower = `${filter.since.toISOString()}#`;
    const names: Record<string, string> = {};
    const values: Record<string, unknown> = { ":lo": lower, ":hi": upper };
    const conds: string[] = [];
    for (const key of ["action", "actor", "target"] as const) {
      const v = filter[key];
      if (v === undefined) continue;
      names[`#${key}`] = key;
      values[`:${key}`] = v;
      conds.push(`#${key} = :${key}`);
    }
    // Newest month first, from the cursor's month (or the window's end) back to the window's start.
    const untilMonth = monthOf(filter.until.toISOString());
    const afterMonth = after ? monthOf(new Date(after.at).toISOString()) : untilMonth;
    const sinceMonth = monthOf(filter.since.toISOString());
    for (
      let month = afterMonth < untilMonth ? afterMonth : untilMonth;
      month >= sinceMonth;
      month = previousBucket(month)
    ) {
      let startKey: Record<string, unknown> | undefined;
      do {
        const out = await this.doc.send(
          new QueryCommand({
            TableName: this.table,
            KeyConditionExpression: "pk = :pk AND sk BETWEEN :lo AND :hi",
            ExpressionAttributeValues: { ...values, ":pk": `${PREFIX}${month}` },
            ...(conds.length
              ? { FilterExpression: conds.join(" AND "), ExpressionAttributeNames: names }
              : {}),
            ScanIndexForward: false,
            ExclusiveStartKey: startKey,
            Limit: 200,
          }),
        );
        for (const item of out.Items ?? []) {
          // BETWEEN is inclusive: the cursor's own entry is not shown again.
          if (String(item.sk) === upper) continue;
          if (entries.length === limit) return { entries, more: true };
          const { pk: _pk, sk: _sk, expires_at: _e, ...entry } = item;
          entries.push(entry as AuditEntry);
        }
        startKey = out.LastEvaluatedKey;
      } while (startKey);
    }
    return { entries, more: false };
  }
}

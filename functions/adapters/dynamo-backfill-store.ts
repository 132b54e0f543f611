// Issue 16 part 2: BackfillStore on the control table. All backfills share one partition
// (pk "BACKFILL#", sk = the id): a list is one Query, not a scan of a table that also holds audit
// entries, rate windows and idempotency keys; backfills are few (one per operator request).
import {
  type DynamoDBDocumentClient,
  GetCommand,
  PutCommand,
  QueryCommand,
  UpdateCommand,
} from "@aws-sdk/lib-dynamodb";
import type { BackfillStore } from "#ports/backfill-store.ts";
import type { Backfill, BackfillStatus } from "#schemas/backfill.ts";
import { isConditionFailure } from "./dynamo-errors.ts";

const PK = "BACKFILL#";

const FIELDS = [
  "id",
  "job_name",
  "schedule_id",
  "schedule_expression",
  "timezone",
  "window_since",
  "window_until",
  "params",
  "concurrency",
  "times",
  "capped",
  "started",
  "status",
  "created_by",
  "created_at",
  "finished_at",
  "cancelled_by",
] as const satisfies readonly (keyof Backfill)[];

const fromItem = (item: Record<string, unknown>): Backfill =>
  Object.fromEntries(FIELDS.map((f) => [f, item[f] ?? null])) as unknown as Backfill;

export class DynamoBackfillStore implements BackfillStore {
  constructor(
    private readonly doc: DynamoDBDocumentClient,
    private readonly table: string,
  ) {}

  async create(backfill: Backfill): Promise<boolean> {
    try {
      await this.doc.send(
        new PutCommand({
          TableName: this.table,
          Item: { pk: PK, sk: backfill.id, ...backfill },
          ConditionExpression: "attribute_not_exists(pk)",
        }),
      );
      return true;
    } catch (e) {
      if (isConditionFailure(e)) return false;
      throw e;
    }
  }

  async get(id: string): Promise<Backfill | null> {
    const out = await this.doc.send(
      new GetCommand({ TableName: this.table, Key: { pk: PK, sk: id }, ConsistentRead: true }),
    );
    return out.Item ? fromItem(out.Item) : null;
  }

  async list(jobName?: string): Promise<Backfill[]> {
    const items: Record<string, unknown>[] = [];
    let startKey: Record<string, unknown> | undefined;
    do {
      const out = await this.doc.send(
        new QueryCommand({
          TableName: this.table,
          KeyConditionExpression: "pk = :pk",
          ExpressionAttributeValues: { ":pk": PK, ...(jobName ? { ":job": jobName } : {}) },
          FilterExpression: jobName ? "job_name = :job" : undefined,
          ExclusiveStartKey: startKey,
          ConsistentRead: true,
        }),
      );
      items.push(...(out.Items ?? []));
      startKey = out.LastEvaluatedKey;
    } while (startKey);
    return items.map(fromItem).sort((a, b) => b.created_at.localeCompare(a.created_at));
  }

  async advance(id: string, from: number, to: number): Promise<boolean> {
    return this.conditional({
      TableName: this.table,
      Key: { pk: PK, sk: id },
      UpdateExpression: "SET started = :to",
      ConditionExpression: "#s = :running AND started = :from",
      ExpressionAttributeNames: { "#s": "status" },
      ExpressionAttributeValues: { ":running": "running", ":from": from, ":to": to },
    });
  }

  async end(
    id: string,
    status: Exclude<BackfillStatus, "running">,
    at: string,
    actor: string | null,
  ): Promise<boolean> {
    return this.conditional({
      TableName: this.table,
      Key: { pk: PK, sk: id },
      UpdateExpression: "SET #s = :status, finished_at = :at, cancelled_by = :actor",
      ConditionExpression: "#s = :running",
      ExpressionAttributeNames: { "#s": "status" },
      ExpressionAttributeValues: { ":running": "running", ":status": status, ":at": at, ":actor": actor },
    });
  }

  private async conditional(input: ConstructorParameters<typeof UpdateCommand>[0]): Promise<boolean> {
    try {
      await this.doc.send(new UpdateCommand(input));
      return true;
    } catch (e) {
      if (isConditionFailure(e)) return false;
      throw e;
    }
  }
}

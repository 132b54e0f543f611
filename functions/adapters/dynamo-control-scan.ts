// Whole-kind reads of the control table (single-table pk/sk): a consistent, filtered scan (the slot
// list and the idempotency-lease sweep, kinds with few enough items that a scan beats another index),
// and a consistent read of one partition (schedules, pause notes).
import { type DynamoDBDocumentClient, QueryCommand, ScanCommand } from "@aws-sdk/lib-dynamodb";

/**
 * A filtered, consistent scan of the control table. Used only for kinds with few items (one per
 * job, one per active slot), where a scan of the small table is cheaper than another index.
 */
export async function scanControl(
  doc: DynamoDBDocumentClient,
  table: string,
  filter: string,
  values: Record<string, unknown>,
  names?: Record<string, string>,
): Promise<Record<string, unknown>[]> {
  const items: Record<string, unknown>[] = [];
  let startKey: Record<string, unknown> | undefined;
  do {
    const out = await doc.send(
      new ScanCommand({
        TableName: table,
        FilterExpression: filter,
        ExpressionAttributeValues: values,
        ExpressionAttributeNames: names,
        ExclusiveStartKey: startKey,
        ConsistentRead: true,
      }),
    );
    items.push(...(out.Items ?? []));
    startKey = out.LastEvaluatedKey;
  } while (startKey);
  return items;
}

/** Every item of one control-table partition (`pk`), read consistently, page by page. */
export async function queryControlPartition(
  doc: DynamoDBDocumentClient,
  table: string,
  pk: string,
): Promise<Record<string, unknown>[]> {
  const items: Record<string, unknown>[] = [];
  let startKey: Record<string, unknown> | undefined;
  do {
    const out = await doc.send(
      new QueryCommand({
        TableName: table,
        KeyConditionExpression: "pk = :pk",
        ExpressionAttributeValues: { ":pk": pk },
        ExclusiveStartKey: startKey,
        ConsistentRead: true,
      }),
    );
    items.push(...(out.Items ?? []));
    startKey = out.LastEvaluatedKey;
  } while (startKey);
  return items;
}

// A consistent, filtered scan of the control table (single-table pk/sk). Shared by the slot list and
// the idempotency-lease sweep, the two kinds with few enough items that a scan beats another index.
import { type DynamoDBDocumentClient, ScanCommand } from "@aws-sdk/lib-dynamodb";

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

// Creating tables on DynamoDB Local from their shapes (the core's tables and the jobs' stores),
// as CDK does in AWS. Idempotent; separate from running the JVM that serves them.
import {
  CreateTableCommand,
  type CreateTableCommandInput,
  DescribeTableCommand,
  type DynamoDBClient,
  ResourceInUseException,
  UpdateTimeToLiveCommand,
} from "@aws-sdk/client-dynamodb";
import { TABLES, type TableNames } from "#adapters/table-definitions.ts";
import type { TableShape } from "#ports/table-shape.ts";

export function createTableInput(def: TableShape, name: string): CreateTableCommandInput {
  const attrs = new Map<string, string>();
  const add = (k: { name: string; type: string }) => attrs.set(k.name, k.type);
  add(def.partitionKey);
  if (def.sortKey) add(def.sortKey);
  for (const gsi of def.globalIndexes) {
    add(gsi.partitionKey);
    if (gsi.sortKey) add(gsi.sortKey);
  }
  return {
    TableName: name,
    BillingMode: "PAY_PER_REQUEST",
    AttributeDefinitions: [...attrs].map(([AttributeName, AttributeType]) => ({
      AttributeName,
      AttributeType: AttributeType as "S" | "N",
    })),
    KeySchema: [
      { AttributeName: def.partitionKey.name, KeyType: "HASH" },
      ...(def.sortKey ? [{ AttributeName: def.sortKey.name, KeyType: "RANGE" as const }] : []),
    ],
    GlobalSecondaryIndexes: def.globalIndexes.length
      ? def.globalIndexes.map((g) => ({
          IndexName: g.indexName,
          KeySchema: [
            { AttributeName: g.partitionKey.name, KeyType: "HASH" as const },
            ...(g.sortKey ? [{ AttributeName: g.sortKey.name, KeyType: "RANGE" as const }] : []),
          ],
          Projection: { ProjectionType: "ALL" },
        }))
      : undefined,
  };
}

/** Creates any missing core table (idempotent: an existing table is left as it is). */
export async function ensureTables(client: DynamoDBClient, names: TableNames): Promise<void> {
  for (const def of TABLES) await ensureTable(client, def, names[def.id]);
}

/** Creates table `name` of `shape` unless it exists (the core's tables and the jobs' stores). */
export async function ensureTable(client: DynamoDBClient, shape: TableShape, name: string): Promise<void> {
  try {
    await client.send(new DescribeTableCommand({ TableName: name }));
    return;
  } catch (e) {
    if ((e as { name?: string }).name !== "ResourceNotFoundException") throw e;
  }
  try {
    await client.send(new CreateTableCommand(createTableInput(shape, name)));
  } catch (e) {
    if (!(e instanceof ResourceInUseException)) throw e;
  }
  if (shape.ttlAttribute) {
    await client.send(
      new UpdateTimeToLiveCommand({
        TableName: name,
        TimeToLiveSpecification: { AttributeName: shape.ttlAttribute, Enabled: true },
      }),
    );
  }
}

// BarStore on DynamoDB (the jquants-daily-bars table the job declares in bars-table.ts).
import { type DynamoDBDocumentClient, QueryCommand } from "@aws-sdk/lib-dynamodb";
import { batchPutAll } from "#jobs/dynamo-batch.ts";
import type { BarRecord, BarStore } from "./bar-store.ts";

/** The index whose partition is the trading day: a day's bars in one Query, for read-before-write. */
export const BY_DATE_INDEX = "by-date";

export class DynamoBarStore implements BarStore {
  constructor(
    private readonly doc: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {}

  async readDay(date: string): Promise<BarRecord[]> {
    const out: BarRecord[] = [];
    let start: Record<string, unknown> | undefined;
    do {
      // The index is eventually consistent: a bar written a moment ago may be missed and then
      // counted inserted again; it is rewritten with the same values, so the table stays right.
      const page = await this.doc.send(
        new QueryCommand({
          TableName: this.tableName,
          IndexName: BY_DATE_INDEX,
          KeyConditionExpression: "#date = :date",
          ExpressionAttributeNames: { "#date": "date" },
          ExpressionAttributeValues: { ":date": date },
          ExclusiveStartKey: start,
        }),
      );
      for (const item of page.Items ?? []) out.push(item as BarRecord);
      start = page.LastEvaluatedKey;
    } while (start);
    return out;
  }

  async putMany(bars: readonly BarRecord[], onProgress?: (written: number) => void): Promise<void> {
    await batchPutAll(this.doc, this.tableName, bars, (b) => `${b.code}#${b.date}`, { onProgress });
  }
}

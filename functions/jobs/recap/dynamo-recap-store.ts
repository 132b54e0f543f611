// RecapStore on DynamoDB (the recaps table the job declares in recap-store.ts).
import type { DynamoDBDocumentClient } from "@aws-sdk/lib-dynamodb";
import { batchPutAll } from "#jobs/dynamo-batch.ts";
import type { RecapDigest, RecapStore } from "./recap-store.ts";

export class DynamoRecapStore implements RecapStore {
  constructor(
    private readonly doc: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {}

  async putDigests(digests: RecapDigest[]): Promise<void> {
    // A digest replaces the one of the same date and genre (a rerun the same day overwrites it).
    await batchPutAll(this.doc, this.tableName, digests, (d) => `${d.digest_date}#${d.genre}`);
  }
}

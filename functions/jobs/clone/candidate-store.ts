// The review-candidate table the four Clone batches share (seed 000's レビュー候補): one store
// declaration, listed by each Clone job, so the CDK app and the local stack create one table and
// grant it to the four workers. Key `pk` = source#external_id.
import { type DynamoDBDocumentClient, ScanCommand } from "@aws-sdk/lib-dynamodb";
import { defineStore } from "#jobs/define-job.ts";
import { batchPutAll } from "#jobs/dynamo-batch.ts";
import type { CandidateRecord } from "./candidates.ts";

export interface CandidateStore {
  /**
   * Every stored candidate. The duplicate check compares a new record with every company already
   * under review, across sources; review queues are thousands, not millions, so one Scan is cheaper
   * than an index per identity (revisit with a company_key GSI past ~100k candidates).
   */
  scanAll(): Promise<CandidateRecord[]>;
  putMany(records: CandidateRecord[], onProgress?: (written: number) => void): Promise<void>;
}

export class DynamoCandidateStore implements CandidateStore {
  constructor(
    private readonly doc: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {}

  async scanAll(): Promise<CandidateRecord[]> {
    const out: CandidateRecord[] = [];
    let start: Record<string, unknown> | undefined;
    do {
      const page = await this.doc.send(
        new ScanCommand({ TableName: this.tableName, ExclusiveStartKey: start }),
      );
      for (const item of page.Items ?? []) out.push(item as CandidateRecord);
      start = page.LastEvaluatedKey;
    } while (start);
    return out;
  }

  async putMany(records: CandidateRecord[], onProgress?: (written: number) => void): Promise<void> {
    await batchPutAll(this.doc, this.tableName, records, (r) => r.pk, { onProgress });
  }
}

export const cloneCandidatesStore = defineStore({
  name: "clone-candidates",
  table: { partitionKey: { name: "pk", type: "S" }, globalIndexes: [] },
  operations: ["Scan", "BatchWriteItem"],
  open: (doc, tableName): CandidateStore => new DynamoCandidateStore(doc, tableName),
});

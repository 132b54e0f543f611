// CompanyStore on DynamoDB (the companies table the job declares in company-store.ts).
import { type DynamoDBDocumentClient, ScanCommand } from "@aws-sdk/lib-dynamodb";
import { batchPutAll } from "#jobs/dynamo-batch.ts";
import type { CompanyRecord, CompanyStore } from "./company-store.ts";

/** Parallel scan segments of `scanAll`. */
export const SCAN_SEGMENTS = 4;

export class DynamoCompanyStore implements CompanyStore {
  constructor(
    private readonly doc: DynamoDBDocumentClient,
    private readonly tableName: string,
    private readonly opts: { concurrency?: number } = {},
  ) {}

  async scanAll(): Promise<CompanyRecord[]> {
    const segment = async (n: number): Promise<CompanyRecord[]> => {
      const out: CompanyRecord[] = [];
      let start: Record<string, unknown> | undefined;
      do {
        const page = await this.doc.send(
          new ScanCommand({
            TableName: this.tableName,
            Segment: n,
            TotalSegments: SCAN_SEGMENTS,
            ExclusiveStartKey: start,
          }),
        );
        for (const item of page.Items ?? []) out.push(item as CompanyRecord);
        start = page.LastEvaluatedKey;
      } while (start);
      return out;
    };
    const parts = await Promise.all(Array.from({ length: SCAN_SEGMENTS }, (_, n) => segment(n)));
    return parts.flat();
  }

  async putMany(records: CompanyRecord[], onProgress?: (written: number) => void): Promise<void> {
    await batchPutAll(this.doc, this.tableName, records, (r) => r.code, {
      concurrency: this.opts.concurrency,
      onProgress,
    });
  }
}

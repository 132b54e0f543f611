// Bulk writes for the tables jobs own: BatchWriteItem in chunks of 25, a few chunks at a time,
// unprocessed items retried with backoff. Shared by every job store that writes many items.
import { BatchWriteCommand, type DynamoDBDocumentClient } from "@aws-sdk/lib-dynamodb";

/** BatchWriteItem takes at most 25 requests. */
export const BATCH_SIZE = 25;
export type BatchPutOptions = {
  /** Batches in flight at once (default 8). */
  concurrency?: number;
  /** Attempts per batch for unprocessed items before giving up (default 8). */
  maxAttempts?: number;
  /** First backoff wait in ms, doubled each retry, with jitter (default 50). */
  baseDelayMs?: number;
  /** Called with the number of items written so far, after each finished batch. */
  onProgress?: (written: number) => void;
};

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * Puts every item with BatchWrite in chunks of 25, `concurrency` chunks at a time; unprocessed items
 * are retried with exponential backoff. Items with the same key (by `keyOf`) are collapsed to the
 * last one, since one batch may not hold the same key twice.
 */
export async function batchPutAll<T extends Record<string, unknown>>(
  doc: DynamoDBDocumentClient,
  tableName: string,
  items: readonly T[],
  keyOf: (item: T) => string,
  opts: BatchPutOptions = {},
): Promise<void> {
  const concurrency = Math.max(1, opts.concurrency ?? 8);
  const maxAttempts = Math.max(1, opts.maxAttempts ?? 8);
  const baseDelay = opts.baseDelayMs ?? 50;
  const unique = [...new Map(items.map((i) => [keyOf(i), i])).values()];
  const chunks: T[][] = [];
  for (let i = 0; i < unique.length; i += BATCH_SIZE) chunks.push(unique.slice(i, i + BATCH_SIZE));

  let written = 0;
  let next = 0;
  const writeChunk = async (chunk: T[]) => {
    let requests = chunk.map((Item) => ({ PutRequest: { Item } }));
    for (let attempt = 1; requests.length > 0; attempt++) {
      const out = await doc.send(new BatchWriteCommand({ RequestItems: { [tableName]: requests } }));
      const left = (out.UnprocessedItems?.[tableName] ?? []) as typeof requests;
      written += requests.length - left.length;
      if (requests.length !== left.length) opts.onProgress?.(written);
      requests = left;
      if (requests.length === 0) break;
      if (attempt >= maxAttempts) {
        throw new Error(`${tableName}: ${requests.length} items still unprocessed after ${attempt} attempts`);
      }
      const wait = baseDelay * 2 ** (attempt - 1);
      await sleep(wait / 2 + Math.random() * (wait / 2));
    }
  };
  const worker = async () => {
    while (next < chunks.length) {
      const chunk = chunks[next++]!;
      await writeChunk(chunk);
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, chunks.length) }, worker));
}

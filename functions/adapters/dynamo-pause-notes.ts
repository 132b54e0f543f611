// Issue 16 part 5: pause notes as items of the control table, one partition ("PAUSE") so the
// sweeper reads them all with one query.

import { DeleteCommand, type DynamoDBDocumentClient, GetCommand, PutCommand } from "@aws-sdk/lib-dynamodb";
import type { PauseNoteStore, PauseTarget, StoredPauseNote } from "#ports/pause-notes.ts";
import { queryControlPartition } from "./dynamo-control-scan.ts";

const PAUSE_PK = "PAUSE";

const toNote = (item: Record<string, unknown>): StoredPauseNote => ({
  target: String(item.sk),
  by: String(item.by),
  at: String(item.at),
  reason: String(item.reason),
  until: typeof item.until === "string" ? item.until : null,
});

export class DynamoPauseNoteStore implements PauseNoteStore {
  constructor(
    private readonly doc: DynamoDBDocumentClient,
    private readonly table: string,
  ) {}

  async put(note: StoredPauseNote): Promise<void> {
    const { target, ...rest } = note;
    await this.doc.send(
      new PutCommand({ TableName: this.table, Item: { pk: PAUSE_PK, sk: target, ...rest } }),
    );
  }

  async get(target: PauseTarget): Promise<StoredPauseNote | null> {
    const out = await this.doc.send(
      new GetCommand({ TableName: this.table, Key: { pk: PAUSE_PK, sk: target }, ConsistentRead: true }),
    );
    return out.Item ? toNote(out.Item) : null;
  }

  async list(): Promise<StoredPauseNote[]> {
    return (await queryControlPartition(this.doc, this.table, PAUSE_PK)).map(toNote);
  }

  async delete(target: PauseTarget): Promise<void> {
    await this.doc.send(new DeleteCommand({ TableName: this.table, Key: { pk: PAUSE_PK, sk: target } }));
  }
}

// A job that brings its own table, as a new job module would: a store declaration (key schema +
// adapter) and a job that writes through `ctx.stores`. Registering it is the only other step; the
// tests find its table in the synthesized template and in the local stack.
import { GetCommand, PutCommand } from "@aws-sdk/lib-dynamodb";
import * as z from "zod/mini";
import { defineJob, defineStore } from "#jobs/define-job.ts";

export type Note = { id: string; text: string; execution_uuid: string };

export const notesStore = defineStore({
  name: "test-notes",
  table: {
    partitionKey: { name: "id", type: "S" },
    globalIndexes: [{ indexName: "by_run", partitionKey: { name: "execution_uuid", type: "S" } }],
  },
  operations: ["PutItem", "GetItem"],
  open: (doc, tableName) => ({
    async put(note: Note): Promise<void> {
      await doc.send(new PutCommand({ TableName: tableName, Item: note }));
    },
    async get(id: string): Promise<Note | undefined> {
      return (await doc.send(new GetCommand({ TableName: tableName, Key: { id } }))).Item as Note | undefined;
    },
  }),
});

export const notesJob = defineJob({
  name: "test.notes",
  description: { ja: "自分のテーブルにメモを 1 件書きます", en: "writes one note into the table it owns" },
  category: "test",
  data_sources: ["params"],
  parameters: z.object({ id: z.string(), text: z.string() }),
  stores: { notes: notesStore },
  async run(ctx) {
    ctx.count.input(1);
    await ctx.stores.notes.put({ ...ctx.params, execution_uuid: ctx.executionUuid });
    // read back through the same store: the job sees what it wrote
    if ((await ctx.stores.notes.get(ctx.params.id))?.text !== ctx.params.text) throw new Error("note lost");
    ctx.count.inserted(1);
  },
});

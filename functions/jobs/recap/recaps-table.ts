// The data recap.pipeline owns: the recaps table (one digest per date and genre), declared here so
// that the CDK app and the local stack create it and grant it to this job's worker only.
import { defineStore } from "#jobs/define-job.ts";
import { DynamoRecapStore } from "./dynamo-recap-store.ts";
import type { RecapStore } from "./recap-store.ts";

export const recapsStore = defineStore({
  name: "recaps",
  table: {
    partitionKey: { name: "digest_date", type: "S" },
    sortKey: { name: "genre", type: "S" },
    globalIndexes: [],
  },
  // putDigests (BatchWriteItem) only
  operations: ["BatchWriteItem"],
  open: (doc, tableName): RecapStore => new DynamoRecapStore(doc, tableName),
});

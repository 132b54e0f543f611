// The data jquants.daily_bars owns: the jquants-daily-bars table (partition `code`, sort `date`:
// one issue's history in one Query) with a by-date index (one day's bars in one Query), declared
// here so that the CDK app and the local stack create it and grant it to this job's worker only.
import { defineStore } from "#jobs/define-job.ts";
import type { BarStore } from "./bar-store.ts";
import { BY_DATE_INDEX, DynamoBarStore } from "./dynamo-bar-store.ts";

export const barsStore = defineStore({
  name: "jquants-daily-bars",
  table: {
    partitionKey: { name: "code", type: "S" },
    sortKey: { name: "date", type: "S" },
    globalIndexes: [
      {
        indexName: BY_DATE_INDEX,
        partitionKey: { name: "date", type: "S" },
        sortKey: { name: "code", type: "S" },
      },
    ],
  },
  // readDay (Query of the by-date index) and putMany (BatchWriteItem)
  operations: ["Query", "BatchWriteItem"],
  open: (doc, tableName): BarStore => new DynamoBarStore(doc, tableName),
});

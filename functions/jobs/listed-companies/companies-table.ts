// The data listed_companies.sync owns: the companies table (partition key `code`), declared here so
// that the CDK app and the local stack create it and grant it to this job's worker only.
import { defineStore } from "#jobs/define-job.ts";
import type { CompanyStore } from "./company-store.ts";
import { DynamoCompanyStore } from "./dynamo-company-store.ts";

export const companiesStore = defineStore({
  name: "companies",
  table: { partitionKey: { name: "code", type: "S" }, globalIndexes: [] },
  // scanAll (parallel Scan) and putMany (BatchWriteItem)
  operations: ["Scan", "BatchWriteItem"],
  open: (doc, tableName): CompanyStore => new DynamoCompanyStore(doc, tableName),
});

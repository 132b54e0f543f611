// The shape of a DynamoDB table as plain data: keys, indexes, TTL. The core tables
// (functions/adapters/table-definitions.ts) and the tables jobs declare (JobStoreDeclaration) are
// both written in it; the CDK app and the local stack turn it into tables.

export type KeyType = "S" | "N";
export type KeyAttr = { name: string; type: KeyType };
export type IndexDefinition = { indexName: string; partitionKey: KeyAttr; sortKey?: KeyAttr };

export type TableShape = {
  partitionKey: KeyAttr;
  sortKey?: KeyAttr;
  globalIndexes: IndexDefinition[];
  ttlAttribute?: string;
};

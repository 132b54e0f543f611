// The DynamoDB adapters pass the same store contracts as the in-memory fakes
// (test/unit/fakes-contract.test.ts), on DynamoDB Local: what makes the fakes trustworthy.
import { randomBytes } from "node:crypto";
import { DynamoDBClient } from "@aws-sdk/client-dynamodb";
import { DynamoDBDocumentClient } from "@aws-sdk/lib-dynamodb";
import { afterAll, beforeAll, inject } from "vitest";
import { DynamoAuditLog } from "#adapters/dynamo-audit-log.ts";
import { DynamoControlStore } from "#adapters/dynamo-control-store.ts";
import { DynamoRunStore } from "#adapters/dynamo-run-store.ts";
import { DynamoSchedulerStateStore, DynamoScheduleStore } from "#adapters/dynamo-schedule-store.ts";
import { type TableNames, tableNames } from "#adapters/table-definitions.ts";
import { LOCAL_AWS } from "#local/dynamodb-local.ts";
import { ensureTables } from "#local/dynamodb-tables.ts";
import { describeAuditLogContract } from "#test/fakes/audit-log-contract.ts";
import { describeControlStoreContract } from "#test/fakes/control-store-contract.ts";
import { describeRunStoreContract } from "#test/fakes/run-store-contract.ts";
import {
  describeSchedulerStateContract,
  describeScheduleStoreContract,
} from "#test/fakes/schedule-store-contract.ts";

let client: DynamoDBClient;
let doc: DynamoDBDocumentClient;
let names: TableNames;

beforeAll(async () => {
  client = new DynamoDBClient({ ...LOCAL_AWS, endpoint: inject("dynamoEndpoint") });
  doc = DynamoDBDocumentClient.from(client, { marshallOptions: { removeUndefinedValues: true } });
  // One set of tables for the file: every contract case uses its own ids, keys and job names.
  names = tableNames(`contract${randomBytes(4).toString("hex")}`);
  await ensureTables(client, names);
});

afterAll(() => {
  client?.destroy();
});

describeRunStoreContract("DynamoDB Local", async () => ({ store: new DynamoRunStore(doc, names.runs) }));

describeControlStoreContract("DynamoDB Local", async () => ({
  control: new DynamoControlStore(doc, { control: names.control, runs: names.runs }),
  runs: new DynamoRunStore(doc, names.runs),
  audit: new DynamoAuditLog(doc, names.control),
}));

describeScheduleStoreContract("DynamoDB Local", async () => ({
  store: new DynamoScheduleStore(doc, names.control),
}));
describeSchedulerStateContract("DynamoDB Local", async () => ({
  state: new DynamoSchedulerStateStore(doc, names.control),
}));
describeAuditLogContract("DynamoDB Local", async () => ({ audit: new DynamoAuditLog(doc, names.control) }));

// Vitest globalSetup: one in-memory DynamoDB Local for all integration files.
import type { TestProject } from "vitest/node";
import { type DynamoDbLocal, startDynamoDbLocal } from "#local/dynamodb-local.ts";

let ddb: DynamoDbLocal | null = null;

export async function setup(project: TestProject) {
  ddb = await startDynamoDbLocal({ dataDir: null });
  project.provide("dynamoEndpoint", ddb.endpoint);
}

export async function teardown() {
  await ddb?.stop();
}

declare module "vitest" {
  export interface ProvidedContext {
    dynamoEndpoint: string;
  }
}

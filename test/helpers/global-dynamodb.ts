// Vitest globalSetup: one in-memory DynamoDB Local for every project that lists this file
// (integration, integration-serial, e2e). globalSetup runs once per project, all in the main
// Vitest process, so the projects share the JVM through a process-wide slot and the last teardown
// stops it. Each harness uses its own table prefix; no file stops, stalls or restarts this JVM (the
// files that kill DynamoDB Local start their own, or cut a proxy in front of this one).
import type { TestProject } from "vitest/node";
import { type DynamoDbLocal, startDynamoDbLocal } from "#local/dynamodb-local.ts";

type Shared = { ddb: Promise<DynamoDbLocal>; users: number };
const slot = Symbol.for("jobdeck.test.global-dynamodb");
const shared = globalThis as typeof globalThis & { [slot]?: Shared };

export async function setup(project: TestProject) {
  shared[slot] ??= { ddb: startDynamoDbLocal({ dataDir: null }), users: 0 };
  shared[slot].users++;
  project.provide("dynamoEndpoint", (await shared[slot].ddb).endpoint);
}

export async function teardown() {
  const s = shared[slot];
  if (!s || --s.users > 0) return;
  delete shared[slot];
  await (await s.ddb).stop();
}

declare module "vitest" {
  export interface ProvidedContext {
    dynamoEndpoint: string;
  }
}

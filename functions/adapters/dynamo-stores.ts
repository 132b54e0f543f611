// The DynamoDB adapters of the core's stores and of the stores jobs declare, from one document
// client: what both hosts (Lambda and the local stack) plug into composeCore.
import type { DynamoDBDocumentClient } from "@aws-sdk/lib-dynamodb";
import type { CoreDeps } from "#domain/core-deps.ts";
import type { JobDefinition, JobStoresOf } from "#domain/jobs/job-definition.ts";
import type { JobStoreDeclaration, StoreClient } from "#ports/job-store.ts";
import { DynamoAuditLog } from "./dynamo-audit-log.ts";
import { DynamoBackfillStore } from "./dynamo-backfill-store.ts";
import { DynamoControlStore } from "./dynamo-control-store.ts";
import { DynamoPauseNoteStore } from "./dynamo-pause-notes.ts";
import { DynamoRunStore } from "./dynamo-run-store.ts";
import { DynamoSchedulerStateStore, DynamoScheduleStore } from "./dynamo-schedule-store.ts";
import type { TableNames } from "./table-definitions.ts";

export type CoreStores = Pick<
  CoreDeps,
  "runs" | "control" | "schedules" | "schedulerState" | "audit" | "pauses" | "backfills"
>;

export function dynamoCoreStores(
  doc: DynamoDBDocumentClient,
  tables: TableNames,
  now: () => Date,
): CoreStores {
  return {
    runs: new DynamoRunStore(doc, tables.runs, now),
    control: new DynamoControlStore(doc, { control: tables.control, runs: tables.runs }, now),
    schedules: new DynamoScheduleStore(doc, tables.control),
    schedulerState: new DynamoSchedulerStateStore(doc, tables.control, now),
    audit: new DynamoAuditLog(doc, tables.control),
    pauses: new DynamoPauseNoteStore(doc, tables.control),
    backfills: new DynamoBackfillStore(doc, tables.control),
  };
}

/** The physical table of a job's store: the host decides (CDK-made names in AWS, a prefix locally). */
export type StoreTableName = (job: JobDefinition, key: string, store: JobStoreDeclaration) => string;

/** Opens the stores `job` declares on `doc`, by the keys the job reads them under. */
export function jobStoreOpener(doc: DynamoDBDocumentClient, tableName: StoreTableName) {
  return (job: JobDefinition): JobStoresOf =>
    Object.fromEntries(
      Object.entries(job.stores ?? {}).map(([key, store]) => [
        key,
        store.open(doc as unknown as StoreClient, tableName(job, key, store)),
      ]),
    );
}

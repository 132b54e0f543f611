// The one place the core's tables are described (jobs declare their own tables in their modules:
// functions/ports/job-store.ts). The local stack turns these into CreateTable calls; the CDK data
// construct turns them into dynamodb.TableV2 resources.
import type { EnvName } from "#config/env-contract.ts";
import type { TableShape } from "#ports/table-shape.ts";

export type TableDefinition = TableShape & {
  /** Logical id, also the suffix of the physical name (`jobdeck-runs`). */
  id: "runs" | "control";
  /** Environment variable through which handlers learn the physical table name. */
  envVar: EnvName;
};

export const RUNS_INDEX = {
  /** history of one job, newest first */
  byJob: "by_job_started",
  /** all jobs, newest first: partition = month bucket (`feed_bucket`), sort = started_at */
  feed: "by_feed_started",
  /** sparse: only RUNNING / QUEUED runs carry `active_flag` */
  active: "by_active_started",
} as const;

export const RunsTable: TableDefinition = {
  id: "runs",
  partitionKey: { name: "execution_uuid", type: "S" },
  globalIndexes: [
    {
      indexName: RUNS_INDEX.byJob,
      partitionKey: { name: "job_name", type: "S" },
      sortKey: { name: "started_at", type: "S" },
    },
    {
      indexName: RUNS_INDEX.feed,
      partitionKey: { name: "feed_bucket", type: "S" },
      sortKey: { name: "started_at", type: "S" },
    },
    {
      indexName: RUNS_INDEX.active,
      partitionKey: { name: "active_flag", type: "S" },
      sortKey: { name: "started_at", type: "S" },
    },
  ],
  ttlAttribute: "expires_at",
  envVar: "RUNS_TABLE",
};

/** Single-table design: pk/sk with item kinds JOB#, SLOT#, IDEM#, SETTINGS, (later) SCHEDULE#, AUDIT#. */
export const ControlTable: TableDefinition = {
  id: "control",
  partitionKey: { name: "pk", type: "S" },
  sortKey: { name: "sk", type: "S" },
  globalIndexes: [],
  ttlAttribute: "expires_at",
  envVar: "CONTROL_TABLE",
};

export const TABLES: readonly TableDefinition[] = [RunsTable, ControlTable];

export type TableNames = Record<TableDefinition["id"], string>;

export function tableNames(prefix: string): TableNames {
  return {
    runs: `${prefix}-runs`,
    control: `${prefix}-control`,
  };
}

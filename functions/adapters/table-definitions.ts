// The one place tables are described. The local stack turns these into CreateTable calls;
// the CDK data construct turns them into dynamodb.TableV2 resources.

export type KeyType = "S" | "N";
export type KeyAttr = { name: string; type: KeyType };
export type IndexDefinition = { indexName: string; partitionKey: KeyAttr; sortKey?: KeyAttr };

export type TableDefinition = {
  /** Logical id, also the suffix of the physical name (`jobdeck-runs`). */
  id: "runs" | "control" | "companies" | "recaps";
  partitionKey: KeyAttr;
  sortKey?: KeyAttr;
  globalIndexes: IndexDefinition[];
  ttlAttribute?: string;
  /** Environment variable through which handlers learn the physical table name. */
  envVar: string;
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

export const CompaniesTable: TableDefinition = {
  id: "companies",
  partitionKey: { name: "code", type: "S" },
  globalIndexes: [],
  envVar: "COMPANIES_TABLE",
};

export const RecapsTable: TableDefinition = {
  id: "recaps",
  partitionKey: { name: "digest_date", type: "S" },
  sortKey: { name: "genre", type: "S" },
  globalIndexes: [],
  envVar: "RECAPS_TABLE",
};

export const TABLES: readonly TableDefinition[] = [RunsTable, ControlTable, CompaniesTable, RecapsTable];

export type TableNames = Record<TableDefinition["id"], string>;

export function tableNames(prefix: string): TableNames {
  return {
    runs: `${prefix}-runs`,
    control: `${prefix}-control`,
    companies: `${prefix}-companies`,
    recaps: `${prefix}-recaps`,
  };
}

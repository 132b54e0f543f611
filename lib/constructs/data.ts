// Data: one DynamoDB table per entry of functions/adapters/table-definitions.ts (the core's tables,
// the same list the local stack creates), one per store the jobs declare (functions/ports/job-store.ts),
// and the secret that signs API cursors. Binding a table to a function sets the variable through
// which it learns the table's name and grants the access, in one call.
import { RemovalPolicy, Stack } from "aws-cdk-lib";
import * as dynamodb from "aws-cdk-lib/aws-dynamodb";
import * as iam from "aws-cdk-lib/aws-iam";
import * as secretsmanager from "aws-cdk-lib/aws-secretsmanager";
import { Construct } from "constructs";
import { TABLES, type TableDefinition } from "#adapters/table-definitions.ts";
import type { JobDefinition } from "#domain/jobs/job-definition.ts";
import type { JobStoreDeclaration } from "#ports/job-store.ts";
import type { KeyAttr, TableShape } from "#ports/table-shape.ts";
import type { MadeFunction } from "../functions.ts";
import { acknowledge } from "../nag.ts";

export type TableId = TableDefinition["id"];
/**
 * What a function may do on a table: its read or read-write set, a list of actions, or nothing at all
 * ("name-only": the host composes the same core for every function and names every core table, but
 * this function never touches it; the deploy suite proves it).
 */
export type TableAccess = "read" | "readwrite" | "name-only" | { actions: readonly TableAction[] };
export type TableAction = (typeof TABLE_READ_ACTIONS)[number] | (typeof TABLE_WRITE_ACTIONS)[number];

/** Data-plane actions only; no table management, no streams, no wildcard action. */
export const TABLE_READ_ACTIONS = [
  "dynamodb:GetItem",
  "dynamodb:BatchGetItem",
  "dynamodb:Query",
  "dynamodb:Scan",
  "dynamodb:ConditionCheckItem",
] as const;
export const TABLE_WRITE_ACTIONS = [
  "dynamodb:PutItem",
  "dynamodb:UpdateItem",
  "dynamodb:DeleteItem",
  "dynamodb:BatchWriteItem",
] as const;

const attribute = (k: KeyAttr): dynamodb.Attribute => ({
  name: k.name,
  type: k.type === "N" ? dynamodb.AttributeType.NUMBER : dynamodb.AttributeType.STRING,
});

export class JobdeckData extends Construct {
  readonly tables: Record<TableId, dynamodb.TableV2>;
  /** The tables of the jobs' stores, by store name (two jobs declaring one store share its table). */
  readonly jobTables = new Map<string, { store: JobStoreDeclaration; table: dynamodb.TableV2 }>();
  readonly cursorSecret: secretsmanager.Secret;

  constructor(scope: Construct, id: string) {
    super(scope, id);
    const tables: Partial<Record<TableId, dynamodb.TableV2>> = {};
    for (const def of TABLES) tables[def.id] = this.table(def.id, def);
    this.tables = tables as Record<TableId, dynamodb.TableV2>;

    this.cursorSecret = new secretsmanager.Secret(this, "CursorSecret", {
      description: "jobdeck: HMAC key that signs the API's pagination cursors",
      generateSecretString: { passwordLength: 64, excludePunctuation: true },
      removalPolicy: RemovalPolicy.DESTROY,
    });
    acknowledge(
      this.cursorSecret,
      "AwsSolutions-SMG4",
      "The secret only signs short-lived pagination cursors; rotating it would merely invalidate cursors in " +
        "flight, so no rotation Lambda is deployed. Replace the secret value to rotate by hand.",
    );
  }

  /** Sets the variable naming core table `tableId` on `made` and grants it `access`. */
  bind(made: MadeFunction, tableId: TableId, access: TableAccess): void {
    const def = TABLES.find((t) => t.id === tableId)!;
    made.setEnv(def.envVar, this.tables[tableId].tableName);
    grantTable(made.fn, this.tables[tableId], def, access, NEVER_CALLED_ON[tableId]);
  }

  /** Creates (once per store) the tables `job` declares, grants them to its worker and names them. */
  bindJobStores(worker: MadeFunction, job: JobDefinition): void {
    const names: Record<string, string> = {};
    for (const [key, store] of Object.entries(job.stores ?? {})) {
      const table = this.jobTable(store);
      const access: TableAccess = store.operations
        ? { actions: store.operations.map((op): TableAction => `dynamodb:${op}`) }
        : "readwrite";
      grantTable(worker.fn, table, store.table, access);
      names[key] = table.tableName;
    }
    worker.setEnv("JOBDECK_JOB_TABLES", Stack.of(this).toJsonString(names));
  }

  private jobTable(store: JobStoreDeclaration): dynamodb.TableV2 {
    const known = this.jobTables.get(store.name);
    if (known && known.store !== store) {
      throw new Error(`two different stores are named ${store.name}: a store name names one table`);
    }
    if (known) return known.table;
    const table = this.table(store.name, store.table);
    this.jobTables.set(store.name, { store, table });
    return table;
  }

  /** A table from its shape; the construct id `<Name>Table` keeps the logical ids of earlier releases. */
  private table(name: string, shape: TableShape): dynamodb.TableV2 {
    const id = `${name.replace(/(^|-)(\w)/g, (_m, _d, c: string) => c.toUpperCase())}Table`;
    return new dynamodb.TableV2(this, id, {
      partitionKey: attribute(shape.partitionKey),
      ...(shape.sortKey ? { sortKey: attribute(shape.sortKey) } : {}),
      globalSecondaryIndexes: shape.globalIndexes.map((index) => ({
        indexName: index.indexName,
        partitionKey: attribute(index.partitionKey),
        ...(index.sortKey ? { sortKey: attribute(index.sortKey) } : {}),
        projectionType: dynamodb.ProjectionType.ALL,
      })),
      ...(shape.ttlAttribute ? { timeToLiveAttribute: shape.ttlAttribute } : {}),
      billing: dynamodb.Billing.onDemand(),
      encryption: dynamodb.TableEncryptionV2.awsManagedKey(),
      pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: true },
      // Run history, control data and the jobs' data outlive the stack: `cdk destroy` leaves the tables.
      removalPolicy: RemovalPolicy.RETAIN,
    });
  }

  /** GetSecretValue on the cursor key only (Secret.grantRead would add DescribeSecret, never called). */
  grantCursorSecret(grantee: iam.IGrantable): void {
    iam.Grant.addToPrincipal({
      grantee,
      actions: ["secretsmanager:GetSecretValue"],
      resourceArns: [this.cursorSecret.secretArn],
    });
  }
}

/**
 * Actions no code performs on a core table, left out of its read / read-write sets. The runs table
 * is touched only by dynamo-run-store.ts, dynamo-run-query.ts and one item of the start claim's
 * transaction (dynamo-control-store.ts): items are put, got, updated and queried, never scanned,
 * batch-read, batch-written, condition-checked or deleted (finished runs expire by TTL). Batch
 * writes exist only in the jobs' own stores (functions/jobs/dynamo-batch.ts).
 */
const NEVER_CALLED_ON: Record<TableId, readonly TableAction[]> = {
  runs: [
    "dynamodb:Scan",
    "dynamodb:BatchGetItem",
    "dynamodb:ConditionCheckItem",
    "dynamodb:BatchWriteItem",
    "dynamodb:DeleteItem",
  ],
  // The control table is scanned only by the local host's clean-up after a restart
  // (Reconciler.afterRestart: lapsed idempotency leases, orphan slots), which AWS never runs.
  control: ["dynamodb:BatchWriteItem", "dynamodb:Scan"],
};

/** On an index ARN only reads of the index mean anything; item actions there authorize nothing. */
const INDEX_ACTIONS: readonly TableAction[] = ["dynamodb:Query", "dynamodb:Scan"];

/** Grants table and index access with explicit ARNs (no `index/*` wildcard). */
function grantTable(
  grantee: iam.IGrantable,
  table: dynamodb.TableV2,
  shape: TableShape,
  access: TableAccess,
  neverCalled: readonly TableAction[] = [],
) {
  if (access === "name-only") return;
  const actions = (
    access === "read"
      ? [...TABLE_READ_ACTIONS]
      : access === "readwrite"
        ? [...TABLE_READ_ACTIONS, ...TABLE_WRITE_ACTIONS]
        : [...access.actions]
  ).filter((a) => !neverCalled.includes(a));
  iam.Grant.addToPrincipal({ grantee, actions, resourceArns: [table.tableArn] });
  const indexActions = actions.filter((a) => INDEX_ACTIONS.includes(a));
  if (shape.globalIndexes.length && indexActions.length) {
    iam.Grant.addToPrincipal({
      grantee,
      actions: indexActions,
      resourceArns: shape.globalIndexes.map((i) => `${table.tableArn}/index/${i.indexName}`),
    });
  }
}

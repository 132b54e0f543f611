// Data: one DynamoDB table per entry of functions/adapters/table-definitions.ts (the core's tables,
// the same list the local stack creates), one per store the jobs declare (functions/ports/job-store.ts),
// and the secret that signs API cursors. Binding a table to a function sets the variable through
// which it learns the table's name and grants the access, in one call.
import { ArnFormat, RemovalPolicy, Stack } from "aws-cdk-lib";
import * as dynamodb from "aws-cdk-lib/aws-dynamodb";
import * as iam from "aws-cdk-lib/aws-iam";
import * as secretsmanager from "aws-cdk-lib/aws-secretsmanager";
import { Construct } from "constructs";
import { TABLES } from "#adapters/table-definitions.ts";
import type { JobDefinition } from "#domain/jobs/job-definition.ts";
import type { JobStoreDeclaration } from "#ports/job-store.ts";
import type { KeyAttr, TableShape } from "#ports/table-shape.ts";
import type { Bindable } from "../functions.ts";
import { acknowledge } from "../nag.ts";
import {
  type CoreTableAccess,
  TABLE_READ_ACTIONS,
  TABLE_WRITE_ACTIONS,
  type TableAccess,
  type TableAction,
  type TableId,
} from "../table-access.ts";

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

  /** Sets the variables naming the core tables on `made` (a function, a task) and grants it `access` on each. */
  bindCore(made: Bindable, access: CoreTableAccess): void {
    for (const def of TABLES) {
      made.setEnv(def.envVar, this.tables[def.id].tableName);
      grantTable(made.grantee, this.tables[def.id], def, access[def.id]);
    }
  }

  /** Creates (once per store) the tables `job` declares, grants them to its worker (or task) and names them. */
  bindJobStores(worker: Bindable, job: JobDefinition): void {
    const names: Record<string, string> = {};
    for (const [key, store] of Object.entries(job.stores ?? {})) {
      const table = this.jobTable(store);
      const access: TableAccess = store.operations
        ? {
            actions: store.operations.map((op): TableAction => `dynamodb:${op}`),
            indexes: store.operations.includes("Query")
              ? store.table.globalIndexes.map((i) => i.indexName)
              : [],
          }
        : "readwrite";
      grantTable(worker.grantee, table, store.table, access);
      names[key] = table.tableName;
    }
    worker.setEnv("JOBDECK_JOB_TABLES", Stack.of(this).toJsonString(names));
  }

  /**
   * Issue 17: GetSecretValue on exactly the secrets `job` declares, to its worker (or task) alone,
   * and their names in JOBDECK_JOB_SECRETS. The secrets are made by hand (`aws secretsmanager
   * create-secret`), not by the stack: the ARN is the name plus the 6 random characters Secrets
   * Manager appends, hence `-??????` (a name-prefix wildcard would also match `<name>-other`).
   */
  bindJobSecrets(worker: Bindable, job: JobDefinition): void {
    const secrets = Object.entries(job.secrets ?? {});
    const names = Object.fromEntries(secrets.map(([key, s]) => [key, s.name]));
    if (secrets.length) {
      iam.Grant.addToPrincipal({
        grantee: worker.grantee,
        actions: ["secretsmanager:GetSecretValue"],
        resourceArns: [...new Set(secrets.map(([, s]) => s.name))].flatMap((name) =>
          // The bare name too: a name that resolves to no secret is authorized against the ARN
          // without the suffix, and must be answered ResourceNotFoundException (the job's "not
          // configured": a job falls back, e.g. to a fixture), not AccessDenied.
          // It matches no existing secret (their ARNs all carry the suffix).
          [`${name}-??????`, name].map((resourceName) =>
            Stack.of(this).formatArn({
              service: "secretsmanager",
              resource: "secret",
              resourceName,
              arnFormat: ArnFormat.COLON_RESOURCE_NAME,
            }),
          ),
        ),
      });
    }
    worker.setEnv("JOBDECK_JOB_SECRETS", Stack.of(this).toJsonString(names));
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

/** Grants item actions on the table and Query on the named indexes, with explicit ARNs (no wildcard). */
function grantTable(
  grantee: iam.IGrantable,
  table: dynamodb.TableV2,
  shape: TableShape,
  access: TableAccess,
) {
  if (access === "name-only") return;
  const all = shape.globalIndexes.map((i) => i.indexName);
  const { actions, indexes } =
    access === "readwrite"
      ? { actions: [...TABLE_READ_ACTIONS, ...TABLE_WRITE_ACTIONS], indexes: all }
      : { actions: access.actions, indexes: access.indexes ?? [] };
  const unknown = indexes.filter((i) => !all.includes(i));
  if (unknown.length) throw new Error(`grant names indexes the table does not have: ${unknown.join(", ")}`);
  if (actions.length)
    iam.Grant.addToPrincipal({ grantee, actions: [...actions], resourceArns: [table.tableArn] });
  if (indexes.length) {
    iam.Grant.addToPrincipal({
      grantee,
      // on an index ARN only reads of the index mean anything; item actions there authorize nothing
      actions: access === "readwrite" ? ["dynamodb:Query", "dynamodb:Scan"] : ["dynamodb:Query"],
      resourceArns: indexes.map((i) => `${table.tableArn}/index/${i}`),
    });
  }
}

// Data: one DynamoDB table per entry of functions/adapters/table-definitions.ts (the same list the
// local stack creates), and the secret that signs API cursors.
import { RemovalPolicy } from "aws-cdk-lib";
import * as dynamodb from "aws-cdk-lib/aws-dynamodb";
import * as iam from "aws-cdk-lib/aws-iam";
import * as secretsmanager from "aws-cdk-lib/aws-secretsmanager";
import { Construct } from "constructs";
import { type KeyAttr, TABLES, type TableDefinition } from "#adapters/table-definitions.ts";
import type { EnvValues } from "../functions.ts";
import { ENV } from "../lambda-catalog.ts";
import { acknowledge } from "../nag.ts";

export type TableId = TableDefinition["id"];
export type TableAccess = "read" | "readwrite";

/** Data-plane actions only; no table management, no streams, no wildcard action. */
export const TABLE_READ_ACTIONS = [
  "dynamodb:GetItem",
  "dynamodb:BatchGetItem",
  "dynamodb:Query",
  "dynamodb:Scan",
  "dynamodb:ConditionCheckItem",
  "dynamodb:DescribeTable",
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

const capitalized = (s: string) => `${s[0]!.toUpperCase()}${s.slice(1)}`;

export class JobdeckData extends Construct {
  readonly tables: Record<TableId, dynamodb.TableV2>;
  readonly cursorSecret: secretsmanager.Secret;

  constructor(scope: Construct, id: string) {
    super(scope, id);
    const tables: Partial<Record<TableId, dynamodb.TableV2>> = {};
    for (const def of TABLES) {
      tables[def.id] = new dynamodb.TableV2(this, `${capitalized(def.id)}Table`, {
        partitionKey: attribute(def.partitionKey),
        ...(def.sortKey ? { sortKey: attribute(def.sortKey) } : {}),
        globalSecondaryIndexes: def.globalIndexes.map((index) => ({
          indexName: index.indexName,
          partitionKey: attribute(index.partitionKey),
          ...(index.sortKey ? { sortKey: attribute(index.sortKey) } : {}),
          projectionType: dynamodb.ProjectionType.ALL,
        })),
        ...(def.ttlAttribute ? { timeToLiveAttribute: def.ttlAttribute } : {}),
        billing: dynamodb.Billing.onDemand(),
        encryption: dynamodb.TableEncryptionV2.awsManagedKey(),
        pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: true },
        // Run history and control data outlive the stack: `cdk destroy` leaves the tables.
        removalPolicy: RemovalPolicy.RETAIN,
      });
    }
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

  /** Table names for the catalog's environment variables. */
  envValues(): EnvValues {
    const values: EnvValues = {};
    for (const def of TABLES) values[def.envVar as keyof EnvValues] = this.tables[def.id].tableName;
    return values;
  }

  /** Grants table and index access with explicit ARNs (no `index/*` wildcard). */
  grant(grantee: iam.IGrantable, tableId: TableId, access: TableAccess): void {
    const def = TABLES.find((t) => t.id === tableId)!;
    const table = this.tables[tableId];
    iam.Grant.addToPrincipal({
      grantee,
      actions: access === "read" ? [...TABLE_READ_ACTIONS] : [...TABLE_READ_ACTIONS, ...TABLE_WRITE_ACTIONS],
      resourceArns: [
        table.tableArn,
        ...def.globalIndexes.map((i) => `${table.tableArn}/index/${i.indexName}`),
      ],
    });
  }

  grantCursorSecret(grantee: iam.IGrantable): void {
    this.cursorSecret.grantRead(grantee);
  }
}

// `ENV` names of the tables must be the ones table-definitions.ts declares.
for (const def of TABLES) {
  if (!Object.values(ENV).includes(def.envVar as (typeof ENV)[keyof typeof ENV])) {
    throw new Error(`table ${def.id}: envVar ${def.envVar} is not in lib/lambda-catalog.ts ENV`);
  }
}

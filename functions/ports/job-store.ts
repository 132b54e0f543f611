// Data a job owns: it declares the table in its own module (the key schema and how to open it), and
// the hosts create it, grant it to the job's worker and hand the opened store to `ctx.stores`.
// The core never names a job's store.
import type { TableShape } from "./table-shape.ts";

declare const storeClient: unique symbol;
/** The host's DynamoDB document client; opaque to the core, typed by the job SDK (defineStore). */
export type StoreClient = { readonly [storeClient]: true };

/** DynamoDB operations a store's adapter performs (its worker is granted exactly these). */
export type StoreOperation =
  | "GetItem"
  | "PutItem"
  | "UpdateItem"
  | "DeleteItem"
  | "Query"
  | "Scan"
  | "BatchGetItem"
  | "BatchWriteItem"
  | "ConditionCheckItem";

export interface JobStoreDeclaration<T = unknown> {
  /**
   * The table's logical name, unique in a deployment (two jobs that share a table declare the same
   * object). Locally the table is `<prefix>-<name>`; in AWS CDK names it.
   */
  readonly name: string;
  readonly table: TableShape;
  /** What the adapter does to the table; the job's worker gets these only (all when left out). */
  readonly operations?: readonly StoreOperation[];
  /** The job's adapter over the table `tableName`. */
  open(client: StoreClient, tableName: string): T;
}

/** The stores a job declares, by the key the job reads them under (`ctx.stores.<key>`). */
export type JobStoreDeclarations = Readonly<Record<string, JobStoreDeclaration>>;

/** What `ctx.stores` holds for declarations D. */
export type OpenedStores<D extends JobStoreDeclarations> = {
  readonly [K in keyof D]: D[K] extends JobStoreDeclaration<infer T> ? T : never;
};

// Idempotency keys on the control table (IDEM# items): claim with a lease, take over a lapsed lease,
// complete with the stored answer, release. Its own lifecycle; DynamoControlStore delegates to it.
import {
  DeleteCommand,
  type DynamoDBDocumentClient,
  GetCommand,
  PutCommand,
  UpdateCommand,
} from "@aws-sdk/lib-dynamodb";
import type { ControlStore, IdempotencyRecord } from "#ports/control-store.ts";
import { scanControl } from "./dynamo-control-scan.ts";
import { isConditionFailure } from "./dynamo-errors.ts";

const IDEM_PREFIX = "IDEM#";

type IdempotencyKeys = Pick<
  ControlStore,
  | "claimIdempotencyKey"
  | "takeOverIdempotencyKey"
  | "expireIdempotencyLeases"
  | "completeIdempotencyKey"
  | "releaseIdempotencyKey"
>;

export class DynamoIdempotencyKeys implements IdempotencyKeys {
  constructor(
    private readonly doc: DynamoDBDocumentClient,
    private readonly table: string,
    private readonly now: () => Date,
  ) {}

  async claimIdempotencyKey(
    key: string,
    fingerprint: string,
    ttlSeconds: number,
    claim: { reservedId: string; leaseSeconds: number },
  ): Promise<IdempotencyRecord | null> {
    const nowSec = Math.floor(this.now().getTime() / 1000);
    try {
      await this.doc.send(
        new PutCommand({
          TableName: this.table,
          Item: {
            pk: `${IDEM_PREFIX}${key}`,
            sk: "IDEM",
            state: "in_progress",
            fingerprint,
            reserved_id: claim.reservedId,
            lease_until: nowSec + claim.leaseSeconds,
            expires_at: nowSec + ttlSeconds,
          },
          // An expired key (TTL not swept yet) may be claimed again.
          ConditionExpression: "attribute_not_exists(pk) OR expires_at <= :now",
          ExpressionAttributeValues: { ":now": nowSec },
        }),
      );
      return null;
    } catch (e) {
      if (!isConditionFailure(e)) throw e;
    }
    const out = await this.doc.send(
      new GetCommand({
        TableName: this.table,
        Key: { pk: `${IDEM_PREFIX}${key}`, sk: "IDEM" },
        ConsistentRead: true,
      }),
    );
    const item = out.Item;
    // Gone between the refusal and the read (released): report it as busy; the client retries.
    if (!item)
      return {
        state: "in_progress",
        expires_at: nowSec + ttlSeconds,
        fingerprint,
        reserved_id: null,
        lease_until: nowSec + claim.leaseSeconds,
      };
    const fp = String(item.fingerprint ?? "");
    if (item.state === "completed") {
      return {
        state: "completed",
        expires_at: Number(item.expires_at),
        fingerprint: fp,
        status: Number(item.status),
        body: item.body,
      };
    }
    return {
      state: "in_progress",
      expires_at: Number(item.expires_at),
      fingerprint: fp,
      reserved_id: typeof item.reserved_id === "string" ? item.reserved_id : null,
      // Keys written before leases existed carry none: their request is long gone.
      lease_until: typeof item.lease_until === "number" ? item.lease_until : 0,
    };
  }

  async takeOverIdempotencyKey(key: string, previousLease: number, leaseSeconds: number): Promise<boolean> {
    const nowSec = Math.floor(this.now().getTime() / 1000);
    try {
      await this.doc.send(
        new UpdateCommand({
          TableName: this.table,
          Key: { pk: `${IDEM_PREFIX}${key}`, sk: "IDEM" },
          UpdateExpression: "SET lease_until = :lease",
          // Only from the lease this caller saw run out: two takers cannot both win.
          ConditionExpression:
            "#state = :in_progress AND (lease_until = :previous OR (attribute_not_exists(lease_until) AND :previous = :zero))",
          ExpressionAttributeNames: { "#state": "state" },
          ExpressionAttributeValues: {
            ":lease": nowSec + leaseSeconds,
            ":in_progress": "in_progress",
            ":previous": previousLease,
            ":zero": 0,
          },
        }),
      );
      return true;
    } catch (e) {
      if (isConditionFailure(e)) return false;
      throw e;
    }
  }

  async expireIdempotencyLeases(): Promise<number> {
    const items = await scanControl(
      this.doc,
      this.table,
      "begins_with(pk, :p) AND #state = :s",
      {
        ":p": IDEM_PREFIX,
        ":s": "in_progress",
      },
      { "#state": "state" },
    );
    for (const item of items) {
      await this.doc
        .send(
          new UpdateCommand({
            TableName: this.table,
            Key: { pk: item.pk, sk: item.sk },
            UpdateExpression: "SET lease_until = :zero",
            ConditionExpression: "#state = :s",
            ExpressionAttributeNames: { "#state": "state" },
            ExpressionAttributeValues: { ":zero": 0, ":s": "in_progress" },
          }),
        )
        .catch((e) => {
          // Completed meanwhile: nothing to expire.
          if (!isConditionFailure(e)) throw e;
        });
    }
    return items.length;
  }

  async completeIdempotencyKey(
    key: string,
    fingerprint: string,
    status: number,
    body: unknown,
    ttlSeconds: number,
  ): Promise<void> {
    const nowSec = Math.floor(this.now().getTime() / 1000);
    await this.doc.send(
      new PutCommand({
        TableName: this.table,
        Item: {
          pk: `${IDEM_PREFIX}${key}`,
          sk: "IDEM",
          state: "completed",
          fingerprint,
          status,
          body,
          expires_at: nowSec + ttlSeconds,
        },
      }),
    );
  }

  async releaseIdempotencyKey(key: string): Promise<void> {
    await this.doc.send(
      new DeleteCommand({ TableName: this.table, Key: { pk: `${IDEM_PREFIX}${key}`, sk: "IDEM" } }),
    );
  }
}

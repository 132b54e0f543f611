// ControlStore on DynamoDB (control table, single-table pk/sk): job flags, concurrency slots and
// start claims here; idempotency keys in dynamo-idempotency-keys.ts.
import {
  BatchGetCommand,
  type BatchGetCommandOutput,
  DeleteCommand,
  type DynamoDBDocumentClient,
  GetCommand,
  PutCommand,
  TransactWriteCommand,
} from "@aws-sdk/lib-dynamodb";
import type {
  AcquireResult,
  ControlStore,
  RateWindow,
  SlotHolder,
  StartClaim,
  StartClaimResult,
} from "#ports/control-store.ts";
import type { Run } from "#schemas/run.ts";
import { auditPut } from "./dynamo-audit-log.ts";
import { scanControl } from "./dynamo-control-scan.ts";
import { cancellationReasons, firstConditionFailed, isConditionFailure } from "./dynamo-errors.ts";
import { DynamoIdempotencyKeys } from "./dynamo-idempotency-keys.ts";
import { toRunItem } from "./dynamo-run-items.ts";

const JOB_PREFIX = "JOB#";
const SLOT_PREFIX = "SLOT#";

export class DynamoControlStore implements ControlStore {
  private readonly idempotency: DynamoIdempotencyKeys;

  constructor(
    private readonly doc: DynamoDBDocumentClient,
    private readonly tables: { control: string; runs: string },
    private readonly now: () => Date = () => new Date(),
  ) {
    this.idempotency = new DynamoIdempotencyKeys(doc, tables.control, now);
  }

  async getJobEnabled(jobName: string): Promise<boolean> {
    const out = await this.doc.send(
      new GetCommand({
        TableName: this.tables.control,
        Key: { pk: `${JOB_PREFIX}${jobName}`, sk: "STATE" },
        ConsistentRead: true,
      }),
    );
    return out.Item ? out.Item.enabled !== false : true;
  }

  async listJobEnabled(jobNames: readonly string[]): Promise<Map<string, boolean>> {
    const map = new Map<string, boolean>(jobNames.map((n) => [n, true]));
    // BatchGetItem takes 100 keys a call and may leave some unprocessed under load: ask again.
    for (let i = 0; i < jobNames.length; i += 100) {
      let keys: Record<string, unknown>[] | undefined = jobNames
        .slice(i, i + 100)
        .map((n) => ({ pk: `${JOB_PREFIX}${n}`, sk: "STATE" }));
      for (let attempt = 0; keys?.length; attempt++) {
        if (attempt > 0) await new Promise((r) => setTimeout(r, Math.min(1000, 25 * 2 ** attempt)));
        const out: BatchGetCommandOutput = await this.doc.send(
          new BatchGetCommand({
            RequestItems: { [this.tables.control]: { Keys: keys, ConsistentRead: true } },
          }),
        );
        for (const item of out.Responses?.[this.tables.control] ?? [])
          map.set(String(item.pk).slice(JOB_PREFIX.length), item.enabled !== false);
        keys = out.UnprocessedKeys?.[this.tables.control]?.Keys;
      }
    }
    return map;
  }

  async setJobEnabled(jobName: string, enabled: boolean, actor: string): Promise<void> {
    await this.doc.send(
      new PutCommand({
        TableName: this.tables.control,
        Item: {
          pk: `${JOB_PREFIX}${jobName}`,
          sk: "STATE",
          enabled,
          updated_by: actor,
          updated_at: this.now().toISOString(),
        },
      }),
    );
  }

  private slotItem(key: string, holder: SlotHolder) {
    return {
      TableName: this.tables.control,
      Item: {
        pk: `${SLOT_PREFIX}${key}`,
        sk: "SLOT",
        holder_uuid: holder.execution_uuid,
        job_name: holder.job_name,
        acquired_at: holder.acquired_at,
      },
      ConditionExpression: "attribute_not_exists(pk) OR holder_uuid = :me",
      ExpressionAttributeValues: { ":me": holder.execution_uuid },
      // The refusal carries the slot as it was when the condition failed: the holder is named even
      // if its run ends (and frees the slot) before a second read could see it.
      ReturnValuesOnConditionCheckFailure: "ALL_OLD" as const,
    };
  }

  private runPut(run: Run) {
    return {
      TableName: this.tables.runs,
      Item: toRunItem(run),
      ConditionExpression: "attribute_not_exists(execution_uuid)",
    };
  }

  /** The holder in a refusal's old item, else (an old item not returned) the slot as it is now. */
  private async holderAfterRefusal(key: string, old: unknown): Promise<SlotHolder | null> {
    return holderOf(old) ?? (await this.getSlot(key));
  }

  async acquireSlot(key: string, holder: SlotHolder, run?: Run): Promise<AcquireResult> {
    try {
      if (run) {
        // Slot and run record in one transaction: a 409 never leaves a run behind, a 202 always has one.
        await this.doc.send(
          new TransactWriteCommand({
            TransactItems: [{ Put: this.slotItem(key, holder) }, { Put: this.runPut(run) }],
          }),
        );
      } else {
        await this.doc.send(new PutCommand(this.slotItem(key, holder)));
      }
      return { acquired: true };
    } catch (e) {
      if (isConditionFailure(e)) {
        return {
          acquired: false,
          holder: await this.holderAfterRefusal(key, (e as { Item?: unknown }).Item),
        };
      }
      if (!firstConditionFailed(e)) throw e;
      return { acquired: false, holder: await this.holderAfterRefusal(key, cancellationReasons(e)[0]?.Item) };
    }
  }

  private rateUpdate(rate: RateWindow) {
    return {
      TableName: this.tables.control,
      Key: { pk: `RATE#${rate.key}`, sk: String(rate.windowStartEpochSeconds) },
      UpdateExpression: "ADD hits :one SET expires_at = if_not_exists(expires_at, :exp)",
      ConditionExpression: "attribute_not_exists(hits) OR hits < :limit",
      ExpressionAttributeValues: {
        ":one": 1,
        ":limit": rate.limit,
        ":exp": rate.windowStartEpochSeconds + rate.windowSeconds * 2,
      },
    };
  }

  async claimStart(claim: StartClaim): Promise<StartClaimResult> {
    // In the order refusals are reported: a full rate window, then a disabled job, then a held slot.
    type Part = "rate" | "job" | "slot" | "run" | "audit";
    const parts: Part[] = [];
    const items: NonNullable<ConstructorParameters<typeof TransactWriteCommand>[0]["TransactItems"]> = [];
    if (claim.rate) {
      parts.push("rate");
      items.push({ Update: this.rateUpdate(claim.rate) });
    }
    parts.push("job");
    items.push({
      ConditionCheck: {
        TableName: this.tables.control,
        Key: { pk: `${JOB_PREFIX}${claim.jobName}`, sk: "STATE" },
        // A job without a flag item is enabled (getJobEnabled).
        ConditionExpression: "attribute_not_exists(enabled) OR enabled <> :off",
        ExpressionAttributeValues: { ":off": false },
      },
    });
    parts.push("slot", "run");
    items.push({ Put: this.slotItem(claim.key, claim.holder) }, { Put: this.runPut(claim.run) });
    if (claim.audit) {
      parts.push("audit");
      items.push({ Put: auditPut(this.tables.control, claim.audit) });
    }
    try {
      await this.doc.send(new TransactWriteCommand({ TransactItems: items }));
      return { outcome: "claimed" };
    } catch (e) {
      const reasons = cancellationReasons(e);
      if (!reasons.length) throw e;
      const failed = (part: Part) => reasons[parts.indexOf(part)]?.Code === "ConditionalCheckFailed";
      if (failed("rate")) return { outcome: "rate_limited" };
      if (failed("job")) return { outcome: "job_disabled" };
      if (failed("slot")) {
        const old = reasons[parts.indexOf("slot")]?.Item;
        return { outcome: "slot_taken", holder: await this.holderAfterRefusal(claim.key, old) };
      }
      if (reasons.some((r) => r.Code === "TransactionConflict")) return { outcome: "contended" };
      throw e;
    }
  }

  async releaseSlot(key: string, executionUuid: string): Promise<void> {
    try {
      await this.doc.send(
        new DeleteCommand({
          TableName: this.tables.control,
          Key: { pk: `${SLOT_PREFIX}${key}`, sk: "SLOT" },
          ConditionExpression: "holder_uuid = :me",
          ExpressionAttributeValues: { ":me": executionUuid },
        }),
      );
    } catch (e) {
      if (!isConditionFailure(e)) throw e; // held by someone else, or already free: nothing to do
    }
  }

  async handOverSlot(key: string, fromUuid: string, to: SlotHolder): Promise<boolean> {
    try {
      await this.doc.send(
        new PutCommand({
          ...this.slotItem(key, to),
          ConditionExpression: "holder_uuid = :from",
          ExpressionAttributeValues: { ":from": fromUuid },
          ReturnValuesOnConditionCheckFailure: undefined,
        }),
      );
      return true;
    } catch (e) {
      if (isConditionFailure(e)) return false;
      throw e;
    }
  }

  async getSlot(key: string): Promise<SlotHolder | null> {
    const out = await this.doc.send(
      new GetCommand({
        TableName: this.tables.control,
        Key: { pk: `${SLOT_PREFIX}${key}`, sk: "SLOT" },
        ConsistentRead: true,
      }),
    );
    if (!out.Item) return null;
    return {
      execution_uuid: String(out.Item.holder_uuid),
      job_name: String(out.Item.job_name),
      acquired_at: String(out.Item.acquired_at),
    };
  }

  async listSlots(): Promise<Array<SlotHolder & { key: string }>> {
    const items = await scanControl(this.doc, this.tables.control, "begins_with(pk, :p)", {
      ":p": SLOT_PREFIX,
    });
    return items.map((item) => ({
      key: String(item.pk).slice(SLOT_PREFIX.length),
      execution_uuid: String(item.holder_uuid),
      job_name: String(item.job_name),
      acquired_at: String(item.acquired_at),
    }));
  }

  claimIdempotencyKey(...args: Parameters<ControlStore["claimIdempotencyKey"]>) {
    return this.idempotency.claimIdempotencyKey(...args);
  }

  takeOverIdempotencyKey(...args: Parameters<ControlStore["takeOverIdempotencyKey"]>) {
    return this.idempotency.takeOverIdempotencyKey(...args);
  }

  expireIdempotencyLeases() {
    return this.idempotency.expireIdempotencyLeases();
  }

  completeIdempotencyKey(...args: Parameters<ControlStore["completeIdempotencyKey"]>) {
    return this.idempotency.completeIdempotencyKey(...args);
  }

  releaseIdempotencyKey(...args: Parameters<ControlStore["releaseIdempotencyKey"]>) {
    return this.idempotency.releaseIdempotencyKey(...args);
  }
}

/**
 * The holder in a slot item returned by a refusal: a plain item (document client) or, inside a
 * transaction's cancellation reasons, still in DynamoDB's attribute-value form ({S: "…"}).
 */
function holderOf(item: unknown): SlotHolder | null {
  if (!item || typeof item !== "object") return null;
  const field = (name: string): string | null => {
    const v = (item as Record<string, unknown>)[name];
    if (typeof v === "string") return v;
    const s = (v as { S?: unknown } | undefined)?.S;
    return typeof s === "string" ? s : null;
  };
  const uuid = field("holder_uuid");
  if (!uuid) return null;
  return { execution_uuid: uuid, job_name: field("job_name") ?? "", acquired_at: field("acquired_at") ?? "" };
}

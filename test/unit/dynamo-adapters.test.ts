import {
  type AttributeValue,
  ConditionalCheckFailedException,
  DynamoDBClient,
  TransactionCanceledException,
} from "@aws-sdk/client-dynamodb";
import {
  BatchGetCommand,
  DeleteCommand,
  DynamoDBDocumentClient,
  GetCommand,
  PutCommand,
  QueryCommand,
  type QueryCommandInput,
  ScanCommand,
  TransactWriteCommand,
  UpdateCommand,
} from "@aws-sdk/lib-dynamodb";
import { mockClient } from "aws-sdk-client-mock";
import { afterAll, beforeEach, describe, expect, it } from "vitest";
import { DynamoControlStore } from "#adapters/dynamo-control-store.ts";
import { feedBucket, toRunItem } from "#adapters/dynamo-run-items.ts";
import { DynamoRunStore } from "#adapters/dynamo-run-store.ts";
import { RUNS_INDEX } from "#adapters/table-definitions.ts";
import type { FinishUpdate } from "#ports/run-store.ts";
import type { Run, RunStatus } from "#schemas/run.ts";
import { aRun } from "#test/helpers/builders.ts";

const ddb = mockClient(DynamoDBDocumentClient);
const doc = DynamoDBDocumentClient.from(
  new DynamoDBClient({ region: "us-east-1", credentials: { accessKeyId: "x", secretAccessKey: "x" } }),
);
const TABLES = { control: "t-control", runs: "t-runs" };
const NOW = new Date("2025-07-15T12:00:00.000Z");

beforeEach(() => {
  ddb.reset();
});
afterAll(() => {
  ddb.restore();
});

const run = (status: RunStatus, started_at: string, over: Partial<Run> = {}): Run =>
  aRun({ job_name: "sync.jobs", data_source: ["src"], status, started_at, ...over });

const cancelled = (codes: string[]) =>
  new TransactionCanceledException({
    message: "Transaction cancelled",
    $metadata: {},
    CancellationReasons: codes.map((Code) => ({ Code })),
  });
const conditionFailed = () => new ConditionalCheckFailedException({ message: "x", $metadata: {} });

describe("DynamoControlStore.acquireSlot", () => {
  const store = new DynamoControlStore(doc, TABLES, () => NOW);
  const holder = { execution_uuid: "me-uuid", job_name: "sync.jobs", acquired_at: NOW.toISOString() };

  it("writes the slot and the run in one transaction with both conditions", async () => {
    ddb.on(TransactWriteCommand).resolves({});
    const r = run("RUNNING", NOW.toISOString(), { execution_uuid: "me-uuid" });
    await expect(store.acquireSlot("sync.jobs", holder, r)).resolves.toEqual({ acquired: true });

    const calls = ddb.commandCalls(TransactWriteCommand);
    expect(calls).toHaveLength(1);
    const items = calls[0]!.args[0].input.TransactItems!;
    expect(items).toHaveLength(2);
    expect(items[0]!.Put).toMatchObject({
      TableName: "t-control",
      Item: { pk: "SLOT#sync.jobs", sk: "SLOT", holder_uuid: "me-uuid", job_name: "sync.jobs" },
      ConditionExpression: "attribute_not_exists(pk) OR holder_uuid = :me",
      ExpressionAttributeValues: { ":me": "me-uuid" },
    });
    expect(items[1]!.Put).toMatchObject({
      TableName: "t-runs",
      Item: { execution_uuid: "me-uuid", status: "RUNNING", active_flag: "1", feed_bucket: "2025-07" },
      ConditionExpression: "attribute_not_exists(execution_uuid)",
    });
  });

  it("returns the current holder when the slot condition cancels the transaction", async () => {
    ddb.on(TransactWriteCommand).rejects(cancelled(["ConditionalCheckFailed", "None"]));
    ddb.on(GetCommand).resolves({
      Item: {
        pk: "SLOT#sync.jobs",
        sk: "SLOT",
        holder_uuid: "other-uuid",
        job_name: "sync.jobs",
        acquired_at: "2025-07-15T11:00:00.000Z",
      },
    });
    const r = run("RUNNING", NOW.toISOString(), { execution_uuid: "me-uuid" });
    await expect(store.acquireSlot("sync.jobs", holder, r)).resolves.toEqual({
      acquired: false,
      holder: {
        execution_uuid: "other-uuid",
        job_name: "sync.jobs",
        acquired_at: "2025-07-15T11:00:00.000Z",
      },
    });
    const get = ddb.commandCalls(GetCommand);
    expect(get).toHaveLength(1);
    expect(get[0]!.args[0].input).toMatchObject({
      TableName: "t-control",
      Key: { pk: "SLOT#sync.jobs", sk: "SLOT" },
      ConsistentRead: true,
    });
  });

  it("rethrows a cancellation for another reason", async () => {
    const err = cancelled(["ThrottlingError", "None"]);
    ddb.on(TransactWriteCommand).rejects(err);
    const r = run("RUNNING", NOW.toISOString(), { execution_uuid: "me-uuid" });
    await expect(store.acquireSlot("sync.jobs", holder, r)).rejects.toBe(err);
    expect(ddb.commandCalls(GetCommand)).toHaveLength(0);
  });

  it("without a run, puts the slot alone and reports the holder on a condition failure", async () => {
    ddb.on(PutCommand).rejects(conditionFailed());
    ddb.on(GetCommand).resolves({});
    await expect(store.acquireSlot("k", holder)).resolves.toEqual({ acquired: false, holder: null });
    expect(ddb.commandCalls(TransactWriteCommand)).toHaveLength(0);
    expect(ddb.commandCalls(PutCommand)[0]!.args[0].input).toMatchObject({
      Item: { pk: "SLOT#k", holder_uuid: "me-uuid" },
      ConditionExpression: "attribute_not_exists(pk) OR holder_uuid = :me",
    });
  });

  it("rethrows other errors of the single put", async () => {
    ddb.on(PutCommand).rejects(new Error("network down"));
    await expect(store.acquireSlot("k", holder)).rejects.toThrow("network down");
  });
});

describe("DynamoControlStore.claimStart", () => {
  const store = new DynamoControlStore(doc, TABLES, () => NOW);
  const holder = { execution_uuid: "me-uuid", job_name: "sync.jobs", acquired_at: NOW.toISOString() };
  const rate = { key: "trigger#ops", windowStartEpochSeconds: 1752580800, windowSeconds: 60, limit: 30 };
  const audit = {
    id: "a-1",
    at: NOW.toISOString(),
    actor: "ops",
    action: "run.trigger" as const,
    target: "me-uuid",
    target_name: "sync.jobs",
    before: null,
    after: { job_name: "sync.jobs" },
  };
  const claim = () => ({
    key: "sync.jobs",
    holder,
    run: run("RUNNING", NOW.toISOString(), { execution_uuid: "me-uuid" }),
    jobName: "sync.jobs",
    rate,
    audit,
  });
  const reasons = (...rs: Array<{ Code: string; Item?: Record<string, AttributeValue> }>) =>
    new TransactionCanceledException({
      message: "Transaction cancelled",
      $metadata: {},
      CancellationReasons: rs,
    });

  it("writes rate window, job flag check, slot, run and audit entry in one transaction", async () => {
    ddb.on(TransactWriteCommand).resolves({});
    await expect(store.claimStart(claim())).resolves.toEqual({ outcome: "claimed" });
    const items = ddb.commandCalls(TransactWriteCommand)[0]!.args[0].input.TransactItems!;
    expect(items.map((i) => Object.keys(i)[0])).toEqual(["Update", "ConditionCheck", "Put", "Put", "Put"]);
    expect(items[0]!.Update).toMatchObject({
      Key: { pk: "RATE#trigger#ops", sk: "1752580800" },
      ConditionExpression: "attribute_not_exists(hits) OR hits < :limit",
      ExpressionAttributeValues: { ":limit": 30, ":one": 1 },
    });
    expect(items[1]!.ConditionCheck).toMatchObject({
      Key: { pk: "JOB#sync.jobs", sk: "STATE" },
      ExpressionAttributeValues: { ":off": false },
    });
    expect(items[2]!.Put).toMatchObject({
      Item: { pk: "SLOT#sync.jobs", holder_uuid: "me-uuid" },
      ReturnValuesOnConditionCheckFailure: "ALL_OLD",
    });
    expect(items[3]!.Put).toMatchObject({ TableName: "t-runs", Item: { execution_uuid: "me-uuid" } });
    expect(items[4]!.Put).toMatchObject({
      TableName: "t-control",
      Item: { pk: "AUDIT#2025-07", sk: `${NOW.toISOString()}#a-1`, action: "run.trigger" },
    });
  });

  it("leaves out the rate window and the audit entry when not given", async () => {
    ddb.on(TransactWriteCommand).resolves({});
    await store.claimStart({ ...claim(), rate: null, audit: null });
    const items = ddb.commandCalls(TransactWriteCommand)[0]!.args[0].input.TransactItems!;
    expect(items.map((i) => Object.keys(i)[0])).toEqual(["ConditionCheck", "Put", "Put"]);
  });

  it("names the holder from the refused slot's old item, without reading it again", async () => {
    const old = {
      pk: { S: "SLOT#sync.jobs" },
      holder_uuid: { S: "other-uuid" },
      job_name: { S: "sync.jobs" },
      acquired_at: { S: "2025-07-15T11:00:00.000Z" },
    };
    ddb
      .on(TransactWriteCommand)
      .rejects(
        reasons(
          { Code: "None" },
          { Code: "None" },
          { Code: "ConditionalCheckFailed", Item: old },
          { Code: "None" },
          { Code: "None" },
        ),
      );
    await expect(store.claimStart(claim())).resolves.toEqual({
      outcome: "slot_taken",
      holder: {
        execution_uuid: "other-uuid",
        job_name: "sync.jobs",
        acquired_at: "2025-07-15T11:00:00.000Z",
      },
    });
    expect(ddb.commandCalls(GetCommand)).toHaveLength(0);
  });

  it("reads the slot when the refusal carries no old item; null when it was freed meanwhile", async () => {
    ddb
      .on(TransactWriteCommand)
      .rejects(
        reasons(
          { Code: "None" },
          { Code: "None" },
          { Code: "ConditionalCheckFailed" },
          { Code: "None" },
          { Code: "None" },
        ),
      );
    ddb.on(GetCommand).resolves({});
    await expect(store.claimStart(claim())).resolves.toEqual({ outcome: "slot_taken", holder: null });
    expect(ddb.commandCalls(GetCommand)).toHaveLength(1);
  });

  it("reports a full rate window first, then a disabled job, then a held slot", async () => {
    const failed = { Code: "ConditionalCheckFailed" };
    const none = { Code: "None" };
    ddb
      .on(TransactWriteCommand)
      .rejectsOnce(reasons(failed, failed, failed, none, none))
      .rejectsOnce(reasons(none, failed, failed, none, none));
    await expect(store.claimStart(claim())).resolves.toEqual({ outcome: "rate_limited" });
    await expect(store.claimStart(claim())).resolves.toEqual({ outcome: "job_disabled" });
  });

  it("a transaction conflict is 'contended' (nothing written, safe to try again)", async () => {
    ddb
      .on(TransactWriteCommand)
      .rejects(
        reasons(
          { Code: "None" },
          { Code: "None" },
          { Code: "TransactionConflict" },
          { Code: "None" },
          { Code: "None" },
        ),
      );
    await expect(store.claimStart(claim())).resolves.toEqual({ outcome: "contended" });
  });

  it("rethrows anything else", async () => {
    const err = new Error("network down");
    ddb.on(TransactWriteCommand).rejects(err);
    await expect(store.claimStart(claim())).rejects.toBe(err);
    const collision = reasons(
      { Code: "None" },
      { Code: "None" },
      { Code: "None" },
      { Code: "ConditionalCheckFailed" },
      { Code: "None" },
    );
    ddb.on(TransactWriteCommand).rejects(collision);
    await expect(store.claimStart(claim())).rejects.toBe(collision);
  });
});

describe("DynamoControlStore.listJobEnabled", () => {
  const store = () => new DynamoControlStore(doc, TABLES, () => NOW);

  it("a growing control table (audit entries, rate windows) made every next-fire read scan it: flags are now read by key", async () => {
    ddb.on(BatchGetCommand).resolves({
      Responses: { [TABLES.control]: [{ pk: "JOB#b", sk: "STATE", enabled: false }] },
    });
    const flags = await store().listJobEnabled(["a", "b"]);
    expect([...flags]).toEqual([
      ["a", true],
      ["b", false],
    ]);
    expect(ddb.commandCalls(ScanCommand)).toHaveLength(0);
    const keys = ddb.commandCalls(BatchGetCommand)[0]!.args[0].input.RequestItems?.[TABLES.control]?.Keys;
    expect(keys).toEqual([
      { pk: "JOB#a", sk: "STATE" },
      { pk: "JOB#b", sk: "STATE" },
    ]);
  });

  it("asks again for unprocessed keys and splits more than 100 jobs into batches", async () => {
    const names = Array.from({ length: 150 }, (_, i) => `j${i}`);
    ddb
      .on(BatchGetCommand)
      .resolvesOnce({
        Responses: { [TABLES.control]: [] },
        UnprocessedKeys: { [TABLES.control]: { Keys: [{ pk: "JOB#j3", sk: "STATE" }] } },
      })
      .resolvesOnce({ Responses: { [TABLES.control]: [{ pk: "JOB#j3", sk: "STATE", enabled: false }] } })
      .resolves({ Responses: { [TABLES.control]: [] } });
    const flags = await store().listJobEnabled(names);
    expect(flags.get("j3")).toBe(false);
    expect(flags.size).toBe(150);
    const sizes = ddb
      .commandCalls(BatchGetCommand)
      .map((c) => c.args[0].input.RequestItems?.[TABLES.control]?.Keys?.length);
    expect(sizes).toEqual([100, 1, 50]);
  });
});

describe("DynamoControlStore.releaseSlot", () => {
  const store = new DynamoControlStore(doc, TABLES, () => NOW);

  it("deletes only when the caller holds the slot", async () => {
    ddb.on(DeleteCommand).resolves({});
    await store.releaseSlot("sync.jobs", "me-uuid");
    expect(ddb.commandCalls(DeleteCommand)[0]!.args[0].input).toMatchObject({
      TableName: "t-control",
      Key: { pk: "SLOT#sync.jobs", sk: "SLOT" },
      ConditionExpression: "holder_uuid = :me",
      ExpressionAttributeValues: { ":me": "me-uuid" },
    });
  });

  it("swallows ConditionalCheckFailedException (held by another / already free)", async () => {
    ddb.on(DeleteCommand).rejects(conditionFailed());
    await expect(store.releaseSlot("sync.jobs", "me-uuid")).resolves.toBeUndefined();
  });

  it("rethrows other errors", async () => {
    ddb.on(DeleteCommand).rejects(new Error("throttled"));
    await expect(store.releaseSlot("sync.jobs", "me-uuid")).rejects.toThrow("throttled");
  });
});

describe("toRunItem", () => {
  it("sets active_flag only for RUNNING and QUEUED", () => {
    expect(toRunItem(run("RUNNING", "2025-07-01T00:00:00Z")).active_flag).toBe("1");
    expect(toRunItem(run("QUEUED", "2025-07-01T00:00:00Z")).active_flag).toBe("1");
    for (const s of ["SUCCESS", "FAILURE", "CANCELLED", "TIMED_OUT", "SKIPPED"] as const) {
      expect("active_flag" in toRunItem(run(s, "2025-07-01T00:00:00Z")), s).toBe(false);
    }
  });

  it("sets feed_bucket to the YYYY-MM of started_at and keeps every run field", () => {
    const r = run("SUCCESS", "2025-12-31T23:59:59.999Z");
    const item = toRunItem(r);
    expect(item.feed_bucket).toBe("2025-12");
    expect(feedBucket("2026-01-01T00:00:00.000Z")).toBe("2026-01");
    expect(item).toMatchObject(r);
  });
});

describe("DynamoRunStore.finish", () => {
  const store = new DynamoRunStore(doc, "t-runs", () => NOW);
  const update: FinishUpdate = {
    status: "SUCCESS",
    finished_at: "2025-07-15T12:00:00.000Z",
    duration_seconds: 60,
    error_summary: null,
    next_scheduled_for: null,
    expires_at: 1_800_000_000,
  };

  it("returns null when the run is not in an allowed status", async () => {
    ddb.on(UpdateCommand).rejects(conditionFailed());
    await expect(store.finish("uuid-1", ["RUNNING"], update)).resolves.toBeNull();
  });

  it("rethrows other errors", async () => {
    ddb.on(UpdateCommand).rejects(new Error("boom"));
    await expect(store.finish("uuid-1", ["RUNNING"], update)).rejects.toThrow("boom");
  });

  it("removes active_flag and guards on the allowed source statuses", async () => {
    const updated = run("SUCCESS", "2025-07-15T11:59:00.000Z", { execution_uuid: "uuid-1" });
    ddb.on(UpdateCommand).resolves({ Attributes: { ...toRunItem(updated), expires_at: 1_800_000_000 } });
    const out = await store.finish("uuid-1", ["RUNNING", "QUEUED"], update);
    expect(out).toEqual(updated);

    const input = ddb.commandCalls(UpdateCommand)[0]!.args[0].input;
    expect(input.Key).toEqual({ execution_uuid: "uuid-1" });
    expect(input.UpdateExpression).toMatch(/ REMOVE active_flag, retry_at$/);
    expect(input.UpdateExpression).toContain("#status = :status");
    expect(input.UpdateExpression).toContain("expires_at = :exp");
    expect(input.ConditionExpression).toBe(
      "attribute_exists(execution_uuid) AND #status IN (:from0, :from1)",
    );
    expect(input.ExpressionAttributeValues).toMatchObject({
      ":status": "SUCCESS",
      ":from0": "RUNNING",
      ":from1": "QUEUED",
      ":exp": 1_800_000_000,
    });
  });
});

describe("DynamoRunStore.list without job_name", () => {
  /** Answers QueryCommand per feed bucket and GetCommand for the earliest-bucket marker. */
  function feed(buckets: Record<string, Run[]>, earliest: string | null) {
    const queried: string[] = [];
    const inputs: QueryCommandInput[] = [];
    ddb.on(GetCommand).callsFake((input: { Key: Record<string, unknown> }) => {
      expect(input.Key).toEqual({ execution_uuid: "__meta__feed" });
      return earliest ? { Item: { execution_uuid: "__meta__feed", earliest_bucket: earliest } } : {};
    });
    ddb.on(QueryCommand).callsFake((input: QueryCommandInput) => {
      const bucket = String(input.ExpressionAttributeValues?.[":pk"]);
      queried.push(bucket);
      inputs.push(input);
      const items = (buckets[bucket] ?? [])
        .slice()
        .sort((a, b) => (a.started_at < b.started_at ? 1 : -1))
        .map(toRunItem);
      return { Items: items };
    });
    return { queried, inputs };
  }

  const store = () => new DynamoRunStore(doc, "t-runs", () => NOW);
  const july = [run("SUCCESS", "2025-07-14T00:00:00.000Z"), run("RUNNING", "2025-07-15T00:00:00.000Z")];
  const may = [run("FAILURE", "2025-05-20T00:00:00.000Z"), run("SUCCESS", "2025-05-02T00:00:00.000Z")];

  it("walks from the newest bucket down and returns next when more items exist", async () => {
    const { queried, inputs } = feed({ "2025-07": july, "2025-05": may }, "2025-05");
    const page = await store().list({}, 3, null);
    expect(queried).toEqual(["2025-07", "2025-06", "2025-05"]);
    expect(page.runs.map((r) => r.started_at)).toEqual([
      "2025-07-15T00:00:00.000Z",
      "2025-07-14T00:00:00.000Z",
      "2025-05-20T00:00:00.000Z",
    ]);
    expect(page.next).toEqual({
      execution_uuid: may[0]!.execution_uuid,
      started_at: may[0]!.started_at,
      job_name: "sync.jobs",
    });
    expect(inputs[0]).toMatchObject({
      TableName: "t-runs",
      IndexName: RUNS_INDEX.feed,
      ScanIndexForward: false,
      KeyConditionExpression: "#pk = :pk",
      ExpressionAttributeNames: { "#pk": "feed_bucket" },
    });
    // the first query asks for limit + 1 items
    expect(inputs[0]!.Limit).toBe(4);
  });

  it("stops at the earliest-bucket marker and returns no next when everything fit", async () => {
    const { queried } = feed(
      { "2025-07": july, "2025-05": may, "2025-04": [run("SUCCESS", "2025-04-01T00:00:00Z")] },
      "2025-05",
    );
    const page = await store().list({}, 10, null);
    expect(queried).toEqual(["2025-07", "2025-06", "2025-05"]);
    expect(page.runs).toHaveLength(4);
    expect(page.next).toBeNull();
  });

  it("returns no next when exactly limit items exist", async () => {
    feed({ "2025-07": july, "2025-05": may }, "2025-05");
    const page = await store().list({}, 4, null);
    expect(page.runs).toHaveLength(4);
    expect(page.next).toBeNull();
  });

  it("resumes after a cursor position from that position's bucket", async () => {
    const { queried, inputs } = feed({ "2025-07": july, "2025-05": may }, "2025-05");
    const after = {
      execution_uuid: july[0]!.execution_uuid,
      started_at: july[0]!.started_at,
      job_name: "sync.jobs",
    };
    await store().list({}, 10, after);
    expect(queried[0]).toBe("2025-07");
    expect(inputs[0]!.ExclusiveStartKey).toEqual({
      execution_uuid: after.execution_uuid,
      feed_bucket: "2025-07",
      started_at: after.started_at,
    });
    expect(inputs[1]!.ExclusiveStartKey).toBeUndefined();
  });
});

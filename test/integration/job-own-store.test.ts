// The local half of "a job brings its own table": registered beside the others, the job's declared
// table exists in DynamoDB Local when the stack starts, and a run writes through ctx.stores into it.
import { DescribeTableCommand } from "@aws-sdk/client-dynamodb";
import { GetCommand } from "@aws-sdk/lib-dynamodb";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type Harness, isFinished, startHarness } from "#test/helpers/harness.ts";
import { notesJob, notesStore } from "#test/helpers/own-store-job.ts";
import { ALL_TEST_REGISTRY } from "#test/helpers/test-jobs.ts";

let h: Harness;
beforeAll(async () => {
  h = await startHarness({ jobs: [...ALL_TEST_REGISTRY, notesJob] });
});
afterAll(() => h?.stop());

describe("a job that brings its own table (local stack)", () => {
  it("has its table created from the declaration at start", async () => {
    const name = h.stack.storeTables[notesStore.name];
    expect(name).toMatch(/-test-notes$/);
    const { Table } = await h.stack.doc.send(new DescribeTableCommand({ TableName: name }));
    expect(Table?.KeySchema).toEqual([{ AttributeName: "id", KeyType: "HASH" }]);
    expect(Table?.GlobalSecondaryIndexes?.map((i) => i.IndexName)).toEqual(["by_run"]);
  });

  it("writes through ctx.stores into that table", async () => {
    const id = `n-${Date.now()}`;
    const started = await h.admin("POST", "/v1/trigger", {
      job_name: notesJob.name,
      options: { id, text: "hello from the note job" },
    });
    expect(started.status, JSON.stringify(started.body)).toBe(202);
    const run = await h.waitForRun(started.body.execution_uuid, isFinished);
    expect(run.status, run.error_summary ?? "").toBe("SUCCESS");
    expect(run.inserted_count).toBe(1);
    const { Item } = await h.stack.doc.send(
      new GetCommand({ TableName: h.stack.storeTables[notesStore.name], Key: { id } }),
    );
    expect(Item).toEqual({ id, text: "hello from the note job", execution_uuid: run.execution_uuid });
  });
});

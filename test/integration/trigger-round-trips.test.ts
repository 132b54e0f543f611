// Issue 10, "A faster trigger": the rate-limit counter, the job flag read, the slot + run
// transaction, the audit entry and the next-fire reads of POST /v1/trigger were separate sequential
// round trips. The DynamoDB calls of a trigger are observed on the local stack's own client: what
// runs before the workflow starts, and in which order. (No clock is asserted; only the calls.)
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type Harness, isFinished, startHarness } from "#test/helpers/harness.ts";

type Call = { seq: number; name: string; input: Record<string, unknown>; done: number | null };

let h: Harness;
let calls: Call[] = [];
let seq = 0;
let workflowStartedAt: number | null = null;

beforeAll(async () => {
  // A rate limit is set so that its counter is part of the start, as in real use.
  h = await startHarness({ triggersPerMinute: 1000 });
  const doc = h.stack.doc as unknown as { send: (cmd: unknown) => Promise<unknown> };
  const send = doc.send.bind(doc);
  doc.send = async (cmd: unknown) => {
    const c = cmd as { constructor: { name: string }; input: Record<string, unknown> };
    const call: Call = { seq: ++seq, name: c.constructor.name, input: c.input, done: null };
    calls.push(call);
    try {
      return await send(cmd);
    } finally {
      call.done = ++seq;
    }
  };
  const workflow = h.stack.deps.workflow;
  const start = workflow.start.bind(workflow);
  workflow.start = async (...args) => {
    workflowStartedAt ??= ++seq;
    return start(...args);
  };
});
afterAll(async () => {
  await h?.stop();
});

const WRITES = new Set([
  "PutCommand",
  "UpdateCommand",
  "DeleteCommand",
  "TransactWriteCommand",
  "BatchWriteCommand",
]);

describe("a trigger's rate-limit counter, job flag read, slot + run, audit entry and next-fire reads are separate sequential round trips", () => {
  it("writes once (one transaction holding them all) and reads the next fire time alongside", async () => {
    // Warm the process once (the feed's month marker is written once per process and month).
    const warm = await h.admin("POST", "/v1/trigger", { job_name: "test.slow", options: { ms: 0 } });
    expect(warm.status).toBe(202);
    await h.waitForRun(warm.body.execution_uuid, isFinished);

    calls = [];
    workflowStartedAt = null;
    const res = await h.admin("POST", "/v1/trigger", { job_name: "test.slow", options: { ms: 200 } });
    expect(res.status).toBe(202);
    const id = res.body.execution_uuid as string;
    expect(workflowStartedAt).not.toBeNull();
    const beforeStart = calls.filter((c) => c.seq < (workflowStartedAt as number));

    // The only write before the workflow starts: one transaction with every part of the start.
    const writes = beforeStart.filter((c) => WRITES.has(c.name));
    expect(writes.map((c) => c.name)).toEqual(["TransactWriteCommand"]);
    const parts = (writes[0]!.input.TransactItems as Array<Record<string, Record<string, unknown>>>).map(
      (item) => {
        const [kind, body] = Object.entries(item)[0]!;
        const key = (body.Key ?? body.Item) as Record<string, unknown>;
        return `${kind} ${String(key.pk ?? "run").split("#")[0]}`;
      },
    );
    expect(parts).toEqual(["Update RATE", "ConditionCheck JOB", "Put SLOT", "Put run", "Put AUDIT"]);

    // Nothing is read before the claim, and the reads it does are sent while the claim is written.
    const tx = writes[0]!;
    expect(beforeStart.filter((c) => c.seq < tx.seq)).toEqual([]);
    const reads = beforeStart.filter((c) => !WRITES.has(c.name));
    expect(reads.length).toBeGreaterThan(0);
    for (const r of reads) expect(r.seq, `${r.name} waited for the claim`).toBeLessThan(tx.done as number);

    // The run was there, RUNNING, when the answer came; no audit entry is written after it.
    const run = await h.admin("GET", `/v1/runs/${id}`);
    expect(run.body.status).toBe("RUNNING");
    await h.waitForRun(id, isFinished);
    const audits = calls.filter(
      (c) =>
        c.name === "PutCommand" &&
        String(c.input.Item && (c.input.Item as { pk?: unknown }).pk).startsWith("AUDIT#"),
    );
    expect(audits).toEqual([]);
    const entries = await h.admin("GET", `/v1/audit?target=${id}`);
    expect(entries.body.results.map((e: { action: string }) => e.action)).toEqual(["run.trigger"]);
  });
});

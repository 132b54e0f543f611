// Issue 15: a fargate job's task is a process of its own locally, so the stack dying must not leave
// it running (an orphan writing to the store, holding a core). The stack here is `npm start`'s
// bin/local.ts in a child process, killed with SIGKILL: no shutdown code runs, only the task's own
// watch of its parent (the IPC channel closing) can end it.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, expect, it } from "vitest";
import type { Run } from "#schemas/run.ts";
import { adminHeaders, type ChildStack, startChildStack, waitExit } from "#test/helpers/child-stack.ts";
import { processAlive, until } from "#test/helpers/wait.ts";

const dir = mkdtempSync(join(tmpdir(), "jobdeck-fargate-orphans-"));
let stack: ChildStack | null = null;
let taskPid = 0;

const alive = processAlive;

afterAll(() => {
  // Whatever survived (the stack's DynamoDB Local JVM, a task if the test failed): its group.
  if (stack?.proc.pid) {
    try {
      process.kill(-stack.proc.pid, "SIGKILL");
    } catch {
      // gone already
    }
  }
  if (taskPid && alive(taskPid)) process.kill(taskPid, "SIGKILL");
  rmSync(dir, { recursive: true, force: true });
});

it("kill -9 of the local stack: its fargate task's process ends too", async () => {
  stack = await startChildStack(dir, undefined, { JOBDECK_SCHEDULER: "off" }, { detached: true });
  const headers = await adminHeaders(stack.url);
  const res = await fetch(`${stack.url}/v1/trigger`, {
    method: "POST",
    headers,
    body: JSON.stringify({ job_name: "opendata.bulk_ingest", options: { duration_seconds: 600 } }),
  });
  expect(res.status).toBe(202);
  const { execution_uuid } = (await res.json()) as { execution_uuid: string };
  const run = await until(
    async () => (await (await fetch(`${stack!.url}/v1/runs/${execution_uuid}`, { headers })).json()) as Run,
    (r) => typeof r.task?.pid === "number",
    60_000,
    200,
  );
  taskPid = run.task?.pid as number;
  expect(alive(taskPid)).toBe(true);

  stack.proc.kill("SIGKILL");
  await waitExit(stack.proc);
  // The job honours its signal: the task ends well within its 30 s stop timeout.
  await until(
    async () => alive(taskPid),
    (a) => !a,
    40_000,
    200,
  );
});

// Issue 11, item 8: "Shutdown is not graceful". On SIGINT/SIGTERM the local stack stops taking
// work, lets running runs finish within the grace, writes their outcomes, and only then stops
// DynamoDB Local; a run still running when the grace ends is ended with the stop as its reason.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import type { Run } from "#schemas/run.ts";
import { adminHeaders, type ChildStack, startChildStack, waitExit } from "#test/helpers/child-stack.ts";
import { until } from "#test/helpers/wait.ts";

const dirs: string[] = [];
const children: ChildStack[] = [];
const ENV = { JOBDECK_EXTRA_JOBS: "test/helpers/test-jobs.ts", JOBDECK_SCHEDULER: "off" };

afterAll(async () => {
  for (const c of children) {
    if (c.proc.exitCode !== null || c.proc.signalCode !== null) continue;
    try {
      process.kill(-(c.proc.pid as number), "SIGKILL");
    } catch {
      c.proc.kill("SIGKILL");
    }
  }
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

function tempDir(): string {
  const d = mkdtempSync(join(tmpdir(), "jobdeck-shutdown-"));
  dirs.push(d);
  return d;
}

async function start(dir: string): Promise<ChildStack> {
  const c = await startChildStack(dir, undefined, ENV, { detached: true });
  children.push(c);
  return c;
}

async function client(url: string) {
  const headers = await adminHeaders(url);
  return {
    trigger: async (job_name: string, options?: object) =>
      await fetch(`${url}/v1/trigger`, {
        method: "POST",
        headers,
        body: JSON.stringify({ job_name, options }),
      }),
    run: async (id: string) => (await (await fetch(`${url}/v1/runs/${id}`, { headers })).json()) as Run,
  };
}

/** Starts a test.slow run of `ms` and waits until it is RUNNING with progress. */
async function runningSlow(api: Awaited<ReturnType<typeof client>>, ms: number): Promise<string> {
  const res = await api.trigger("test.slow", { ms });
  expect(res.status).toBe(202);
  const { execution_uuid } = (await res.json()) as { execution_uuid: string };
  await until(
    () => api.run(execution_uuid),
    (r) => r.status === "RUNNING" && r.progress !== null,
  );
  return execution_uuid;
}

/** The PIDs of every process in the child's process group still alive (node and the JVM). */
function groupAlive(pid: number): boolean {
  try {
    process.kill(-pid, 0);
    return true;
  } catch {
    return false;
  }
}

describe("graceful shutdown of the local stack", () => {
  it("Ctrl-C to the terminal lets a finishing run end SUCCESS and stops DynamoDB Local last", async () => {
    const dir = tempDir();
    const first = await start(dir);
    const api = await client(first.url);
    const id = await runningSlow(api, 2500);
    // the terminal's Ctrl-C: SIGINT to the whole process group (node and, before, the JVM too)
    process.kill(-(first.proc.pid as number), "SIGINT");
    expect(await waitExit(first.proc, 20_000)).toBe(0);
    expect(first.output()).not.toMatch(/unhandled|after-execution hook failed/);
    // nothing of the stack is left behind (the JVM was stopped, last)
    await until(
      async () => groupAlive(first.proc.pid as number),
      (alive) => !alive,
      10_000,
    );

    const second = await start(dir);
    const api2 = await client(second.url);
    const run = await api2.run(id);
    expect(run.status).toBe("SUCCESS");
    expect(run.error_summary).toBeNull();
    expect(second.output()).not.toMatch(/reconciled/);
    second.proc.kill("SIGTERM");
    expect(await waitExit(second.proc, 20_000)).toBe(0);
  });

  it("SIGTERM: a run that finishes within the grace is SUCCESS, not CANCELLED", async () => {
    const dir = tempDir();
    const first = await start(dir);
    const api = await client(first.url);
    const id = await runningSlow(api, 3000);
    first.proc.kill("SIGTERM");
    // while the run finishes, the stack takes no new work: 503 with Retry-After
    await new Promise((r) => setTimeout(r, 300));
    const during = await api.trigger("test.slow", { ms: 10 });
    expect(during.status).toBe(503);
    expect(during.headers.get("retry-after")).toMatch(/^\d+$/);
    expect(((await during.json()) as { error: { code: string } }).error.code).toBe("unavailable");
    expect(await waitExit(first.proc, 20_000)).toBe(0);

    const second = await start(dir);
    const api2 = await client(second.url);
    const run = await api2.run(id);
    expect(run.status).toBe("SUCCESS");
    expect(run.error_summary).toBeNull();
    second.proc.kill("SIGTERM");
    expect(await waitExit(second.proc, 20_000)).toBe(0);
  });

  it("a run still running when the grace ends is ended FAILURE: the local stack stopped during the run", async () => {
    const dir = tempDir();
    const first = await start(dir);
    const api = await client(first.url);
    const id = await runningSlow(api, 30_000);
    const signalled = Date.now();
    first.proc.kill("SIGTERM");
    expect(await waitExit(first.proc, 20_000)).toBe(0);
    expect(Date.now() - signalled).toBeLessThan(15_000);

    const second = await start(dir);
    const api2 = await client(second.url);
    const run = await api2.run(id);
    expect(run.status).toBe("FAILURE");
    expect(run.error_summary).toMatch(/local stack stopped during the run/);
    expect(run.finished_at).not.toBeNull();
    // written by the stopping stack itself, not reconciled by the next start
    expect(Date.parse(run.finished_at as string)).toBeLessThan(signalled + 15_000);
    expect(second.output()).not.toMatch(/reconciled/);
    second.proc.kill("SIGTERM");
    expect(await waitExit(second.proc, 20_000)).toBe(0);
  });
});

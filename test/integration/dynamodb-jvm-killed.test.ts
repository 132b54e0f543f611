// Issue 11, item 2: "A database outage is invisible and permanent". With the DynamoDB Local JVM
// killed, /healthz says so ({"ok":false,"dynamodb":"down"}, 503) and the supervisor brings it
// back within 10 s; a stack that keeps DynamoDB in memory gets its tables back after the restart.
import { execFileSync } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { type LocalStack, startLocalStack } from "#local/local-stack.ts";
import type { Run } from "#schemas/run.ts";
import { adminHeaders, type ChildStack, startChildStack, waitExit } from "#test/helpers/child-stack.ts";
import { ALL_TEST_REGISTRY } from "#test/helpers/test-jobs.ts";

const dirs: string[] = [];
const children: ChildStack[] = [];
const stacks: LocalStack[] = [];

afterAll(async () => {
  for (const c of children)
    if (c.proc.exitCode === null && c.proc.signalCode === null) c.proc.kill("SIGKILL");
  for (const s of stacks) await s.stop({ graceMs: 0 }).catch(() => {});
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

type Health = { status: number; body: unknown; at: number };

/** Polls /healthz every 100 ms from the kill until it has answered 503 and then 200 again. */
async function watchHealth(url: string, killedAt: number): Promise<Health[]> {
  const seen: Health[] = [];
  const end = killedAt + 20_000;
  while (Date.now() < end) {
    try {
      const r = await fetch(`${url}/healthz`, { signal: AbortSignal.timeout(3000) });
      seen.push({ status: r.status, body: await r.json(), at: Date.now() });
    } catch {
      // the listener itself never goes away; a timeout counts as not answering
    }
    const down = seen.findIndex((h) => h.status === 503);
    if (down >= 0 && seen.slice(down).some((h) => h.status === 200)) break;
    await new Promise((r) => setTimeout(r, 100));
  }
  return seen;
}

function expectDownThenUp(seen: Health[], killedAt: number) {
  const down = seen.find((h) => h.status === 503);
  expect(down?.body).toEqual({ ok: false, dynamodb: "down" });
  const back = seen.find((h) => h.status === 200 && h.at > (down?.at ?? 0));
  expect(back?.body).toEqual({ ok: true, dynamodb: "up" });
  expect((back?.at ?? Number.POSITIVE_INFINITY) - killedAt).toBeLessThan(10_000);
}

/** A run triggered after the restart ends SUCCESS: the store works again, tables included. */
async function runsAgain(url: string) {
  const headers = await adminHeaders(url);
  const res = await fetch(`${url}/v1/trigger`, {
    method: "POST",
    headers,
    body: JSON.stringify({ job_name: "test.slow", options: { ms: 10 } }),
  });
  expect(res.status).toBe(202);
  const { execution_uuid } = (await res.json()) as { execution_uuid: string };
  const end = Date.now() + 20_000;
  let run: Run | null = null;
  while (Date.now() < end) {
    run = (await (await fetch(`${url}/v1/runs/${execution_uuid}`, { headers })).json()) as Run;
    if (run.status !== "RUNNING" && run.status !== "QUEUED") break;
    await new Promise((r) => setTimeout(r, 150));
  }
  expect(run?.status).toBe("SUCCESS");
}

/** The DynamoDB Local JVM of a child stack: the child's own child running java (or setpriv java). */
function jvmPidOf(parent: number): number {
  const out = execFileSync("ps", ["-o", "pid=,args=", "--ppid", String(parent)], { encoding: "utf8" });
  const line = out.split("\n").find((l) => /\bjava\b/.test(l));
  if (!line) throw new Error(`no JVM under ${parent}:\n${out}`);
  return Number(line.trim().split(/\s+/)[0]);
}

describe("DynamoDB Local killed under the local stack", () => {
  it("the JVM killed: /healthz 503, back within 10 s (on disk, `npm start`)", async () => {
    const dir = mkdtempSync(join(tmpdir(), "jobdeck-jvm-"));
    dirs.push(dir);
    const env = { JOBDECK_EXTRA_JOBS: "test/helpers/test-jobs.ts", JOBDECK_SCHEDULER: "off" };
    const child = await startChildStack(dir, undefined, env);
    children.push(child);
    const jvm = jvmPidOf(child.proc.pid as number);
    const killedAt = Date.now();
    process.kill(jvm, "SIGKILL");
    expectDownThenUp(await watchHealth(child.url, killedAt), killedAt);
    expect(jvmPidOf(child.proc.pid as number)).not.toBe(jvm);
    await runsAgain(child.url);
    child.proc.kill("SIGTERM");
    expect(await waitExit(child.proc, 20_000)).toBe(0);
  });

  it("the JVM killed in memory: /healthz 503, back within 10 s with its tables re-created", async () => {
    const dir = mkdtempSync(join(tmpdir(), "jobdeck-jvm-mem-"));
    dirs.push(dir);
    const stack = await startLocalStack({
      dataDir: dir,
      inMemory: true,
      port: 0,
      scheduler: false,
      staticDir: null,
      sweepSeconds: 0,
      jobs: ALL_TEST_REGISTRY,
      logger: { debug() {}, info() {}, warn() {}, error() {} },
    });
    stacks.push(stack);
    const jvm = stack.dynamodb?.pid();
    expect(jvm).toBeGreaterThan(0);
    const killedAt = Date.now();
    process.kill(jvm as number, "SIGKILL");
    expectDownThenUp(await watchHealth(stack.url, killedAt), killedAt);
    expect(stack.dynamodb?.pid()).not.toBe(jvm);
    await runsAgain(stack.url);
  });
});

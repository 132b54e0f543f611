// `npm start`, kill -9 during a run, `npm start` again: nothing is left RUNNING and nothing
// finished before the kill is lost (spec/local.md "Stops cleanly…").
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import type { Run } from "#schemas/run.ts";
import { adminHeaders, type ChildStack, startChildStack, waitExit } from "#test/helpers/child-stack.ts";
import { until } from "#test/helpers/wait.ts";

const dataDir = mkdtempSync(join(tmpdir(), "jobdeck-restart-"));
const children: ChildStack[] = [];

afterAll(async () => {
  for (const c of children)
    if (c.proc.exitCode === null && c.proc.signalCode === null) c.proc.kill("SIGKILL");
  rmSync(dataDir, { recursive: true, force: true });
});

async function client(url: string) {
  const headers = await adminHeaders(url);
  return {
    trigger: async (job_name: string, options?: object) =>
      (
        await fetch(`${url}/v1/trigger`, {
          method: "POST",
          headers,
          body: JSON.stringify({ job_name, options }),
        })
      ).json(),
    triggerStatus: async (job_name: string, options?: object) =>
      (
        await fetch(`${url}/v1/trigger`, {
          method: "POST",
          headers,
          body: JSON.stringify({ job_name, options }),
        })
      ).status,
    run: async (id: string) => (await (await fetch(`${url}/v1/runs/${id}`, { headers })).json()) as Run,
    runs: async () => (await (await fetch(`${url}/v1/runs`, { headers })).json()).results as Run[],
  };
}

describe("local stack restart after kill -9", () => {
  // How soon /healthz is served (≤ 30 s) is the bench's: `npm run bench -- --only cli`.
  it("serves /healthz, and after kill -9 during a run the next start ends that run as FAILURE", async () => {
    const first = await startChildStack(dataDir);
    children.push(first);
    const api = await client(first.url);

    // a finished run that must survive unchanged
    const done = await api.trigger("listed_companies.sync");
    const finished = await until(
      () => api.run(done.execution_uuid),
      (r) => r.status === "SUCCESS",
    );

    // a long run, killed while it is RUNNING
    const long = await api.trigger("recap.pipeline", { stage_delay_ms: 4000 });
    await until(
      () => api.run(long.execution_uuid),
      (r) => r.status === "RUNNING" && r.progress !== null,
    );
    first.proc.kill("SIGKILL");
    await waitExit(first.proc);

    const second = await startChildStack(dataDir);
    children.push(second);
    const api2 = await client(second.url);
    const killed = await api2.run(long.execution_uuid);
    expect(killed.status).toBe("FAILURE");
    expect(killed.error_summary).toMatch(/local stack stopped/);
    expect(killed.finished_at).not.toBeNull();
    expect(await api2.run(finished.execution_uuid)).toEqual(finished);
    const all = await api2.runs();
    expect(all.filter((r) => r.status === "RUNNING" || r.status === "QUEUED")).toEqual([]);
    expect(all.map((r) => r.execution_uuid).sort()).toEqual(
      [done.execution_uuid, long.execution_uuid].sort(),
    );
    expect(second.output()).toMatch(/reconciled\s+1 run/);

    // its slot was freed: the job can run again
    expect(await api2.triggerStatus("recap.pipeline", { stage_delay_ms: 0 })).toBe(202);

    // SIGTERM stops cleanly
    second.proc.kill("SIGTERM");
    expect(await waitExit(second.proc, 15_000)).toBe(0);
  });

  it("runs always end: kill -9 during 5 running runs, restart: none left RUNNING/QUEUED, runs finished before the kill unchanged", async () => {
    const dir = mkdtempSync(join(tmpdir(), "jobdeck-restart5-"));
    // No schedule may fire into the count (the default recap schedule fires every 30 minutes).
    const env = { JOBDECK_EXTRA_JOBS: "test/helpers/test-jobs.ts", JOBDECK_SCHEDULER: "off" };
    try {
      const first = await startChildStack(dir, undefined, env);
      children.push(first);
      const api = await client(first.url);
      // Two runs that finish before the kill.
      const before = [
        await api.trigger("test.per_params", { key: "done-1", ms: 10 }),
        await api.trigger("test.per_params", { key: "done-2", ms: 10 }),
      ];
      const finished = await Promise.all(
        before.map((b) =>
          until(
            () => api.run(b.execution_uuid),
            (r) => r.status === "SUCCESS",
          ),
        ),
      );
      // Five at once (distinct params: they run side by side), all RUNNING at the kill.
      const running = await Promise.all(
        [1, 2, 3, 4, 5].map((n) => api.trigger("test.per_params", { key: `long-${n}`, ms: 60_000 })),
      );
      for (const r of running)
        await until(
          () => api.run(r.execution_uuid),
          (x) => x.status === "RUNNING",
        );
      first.proc.kill("SIGKILL");
      await waitExit(first.proc);

      const second = await startChildStack(dir, undefined, env);
      children.push(second);
      const api2 = await client(second.url);
      const all = await api2.runs();
      expect(all).toHaveLength(7);
      expect(all.filter((r) => r.status === "RUNNING" || r.status === "QUEUED")).toEqual([]);
      for (const r of running) {
        const ended = await api2.run(r.execution_uuid);
        expect(ended.status).toBe("FAILURE");
        expect(ended.error_summary).toMatch(/local stack stopped/);
      }
      for (const f of finished) expect(await api2.run(f.execution_uuid)).toEqual(f);
      expect(second.output()).toMatch(/reconciled\s+5 run/);
      // Their slots were freed: the same params start again.
      expect(await api2.triggerStatus("test.per_params", { key: "long-1", ms: 10 })).toBe(202);
      second.proc.kill("SIGTERM");
      expect(await waitExit(second.proc, 15_000)).toBe(0);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

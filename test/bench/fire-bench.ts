// How late the local scheduler fires a due schedule (spec: at its fire time, at most 1 s late). This
// was a wall-clock assertion of test/integration/local-scheduler.test.ts; the test keeps that the
// fire is the right one with the right input, the bench keeps how late it came.
import { ScheduleService } from "#domain/schedules/schedule-service.ts";
import { JOBS } from "#jobs/all-jobs.ts";
import { slow } from "#test/helpers/test-jobs.ts";
import type { BenchEnv } from "./bench-env.ts";

export type FireBench = { latenessMs: number[] };

/** `rounds` schedules, each anchored to fire 2.5 s after its creation; the lateness of each fire. */
export async function runFireBench(
  env: BenchEnv,
  { log, rounds = 3 }: { log: (line: string) => void; rounds?: number },
): Promise<FireBench> {
  log(`fire: local scheduler lateness, ${rounds} fires…`);
  const stack = await env.startStack("benchfire", {
    jobs: [...JOBS, slow],
    scheduler: true,
    defaultSchedules: false,
  });
  try {
    const schedules = new ScheduleService(stack.deps);
    const latenessMs: number[] = [];
    for (let i = 0; i < rounds; i++) {
      const fireAt = Date.now() + 2500;
      const s = await schedules.create(
        {
          name: `bench-fire-${i}`,
          job_name: slow.name,
          schedule_expression: "rate(1 minute)",
          start_date: new Date(fireAt - 60_000).toISOString(),
          params: { ms: 0 },
        },
        "bench",
      );
      let started: string | null = null;
      for (let t = 0; t < 300 && !started; t++) {
        const page = await stack.deps.runs.list(
          { job_name: slow.name, trigger_source: "schedule" },
          10,
          null,
        );
        started = page.runs.find((r) => r.schedule_id === s.id)?.started_at ?? null;
        if (!started) await new Promise((r) => setTimeout(r, 50));
      }
      if (!started) throw new Error(`schedule ${s.name} did not fire within 15 s`);
      latenessMs.push(Date.parse(started) - fireAt);
      await schedules.delete(s.id, "bench");
    }
    return { latenessMs };
  } finally {
    await stack.stop({ graceMs: 2000 });
  }
}

// Answers that must come "at once" whatever the input: the far-future time bounds of the history
// and audit lists (they once walked ~95,000 month buckets) and the next fire times of sparse or
// impossible cron patterns. These were wall-clock assertions of test/integration/schedule-bounds
// and test/unit/schedule-expression; the tests keep the answers, the bench keeps the time.
import { nextFireTimes } from "#domain/schedules/next-fire-times.ts";
import { type ParsedExpression, parseScheduleExpression } from "#domain/schedules/schedule-expression.ts";
import { type BenchEnv, httpClient } from "./bench-env.ts";

export type QueriesBench = {
  /** Slowest of `n` answers each (ms). */
  runsFarFuture: number;
  auditFarFuture: number;
  requests: number;
  /** Fastest of 3 (after a warm-up): 50 fire times of cron(0 0 29 2 ? *) + cron(0 0 31 2 ? *). */
  sparseCronMs: number;
};

function parsed(input: string): ParsedExpression {
  const r = parseScheduleExpression(input);
  if (!r.ok) throw new Error(`expected ${input} to parse: ${r.message}`);
  return r.value;
}

export function sparseCronMs(): number {
  const expr = parsed("cron(0 0 29 2 ? *)");
  const never = parsed("cron(0 0 31 2 ? *)");
  const opts = { timezone: "America/New_York", from: new Date("2025-01-01T00:00:00Z"), count: 50 };
  nextFireTimes(expr, opts); // warm up
  const timings: number[] = [];
  for (let i = 0; i < 3; i++) {
    const t0 = performance.now();
    nextFireTimes(expr, opts);
    nextFireTimes(never, { ...opts, timezone: "Asia/Tokyo" });
    timings.push(performance.now() - t0);
  }
  return Math.min(...timings);
}

export async function runQueriesBench(
  env: BenchEnv,
  { log, requests = 5 }: { log: (line: string) => void; requests?: number },
): Promise<QueriesBench> {
  log("queries: far-future bounds of /v1/runs and /v1/audit…");
  const stack = await env.startStack("benchqueries");
  try {
    const api = await httpClient(stack.url);
    // Something to list: a run and its audit entry (the run ends before anything is timed).
    const t = await api.post("/v1/trigger", { job_name: "listed_companies.sync" });
    if (t.status !== 202) throw new Error(`POST /v1/trigger → ${t.status}`);
    for (let i = 0; i < 600; i++) {
      const run = (await api.get(`/v1/runs/${t.body.execution_uuid}`)).body;
      if (run.finished_at) break;
      await new Promise((r) => setTimeout(r, 100));
    }
    const since = new Date(Date.now() - 86400_000).toISOString();
    const slowest = async (path: string) => {
      let worst = 0;
      for (let i = 0; i < requests; i++) worst = Math.max(worst, (await api.get(path)).ms);
      return worst;
    };
    const runsFarFuture = await slowest("/v1/runs?started_before=9999-12-31T00:00:00Z&limit=5");
    const auditFarFuture = await slowest(`/v1/audit?since=${since}&until=9999-12-31T00:00:00Z&limit=5`);
    return { runsFarFuture, auditFarFuture, requests, sparseCronMs: sparseCronMs() };
  } finally {
    await stack.stop({ graceMs: 2000 });
  }
}

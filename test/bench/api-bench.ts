// The API's own weight, measured against the floor of the same DynamoDB Local in the same run:
// - trigger: POST /v1/trigger then GET of the run until it is seen RUNNING, against a PutItem +
//   GetItem of a run-sized item (samples interleaved so background noise lands on both alike);
// - list: the bytes of a page of 100 finished recap.pipeline runs (GET /v1/runs);
// - dashboard: the bytes an idle dashboard tab downloads in a minute once loaded, polling job-stats
//   and job-progress at the page's own cadence (web/src/pages/dashboard.tsx) with If-None-Match.
// BENCH_API_SAMPLES, BENCH_API_WARMUP and BENCH_API_DASHBOARD_S (seconds watched) shorten a run
// while working on it; the defaults are what the reported figures use.
import { randomUUID } from "node:crypto";
import { BatchWriteCommand, GetCommand, PutCommand } from "@aws-sdk/lib-dynamodb";
import { toRunItem } from "#adapters/dynamo-run-items.ts";
import { newRun } from "#domain/runs/run-lifecycle.ts";
import type { LocalStack } from "#local/local-stack.ts";
import type { BenchEnv } from "./bench-env.ts";
import { fmtMs, median } from "./stats.ts";

/** The dashboard's poll intervals (web/src/pages/dashboard.tsx). */
export const DASHBOARD_POLLS = [
  { path: "/v1/dashboard/job-stats?window=24h", everyMs: 15_000 },
  { path: "/v1/dashboard/job-progress", everyMs: 2_000 },
] as const;

export type ApiBenchResult = {
  trigger: {
    floorMs: number;
    triggerMs: number;
    ratio: number;
    samples: number;
    /** Where the time goes (medians): the POST, the GET right after it, a GET of the same run at rest. */
    postMs: number;
    getMs: number;
    restingGetMs: number;
  };
  list: { bytes: number; count: number; fullBytes: number | null };
  dashboard: {
    bytesPerMinute: number;
    /** The page's first answers, before it idles. */
    loadBytes: number;
    requests: number;
    notModified: number;
    seconds: number;
  };
};

export type ApiBenchOptions = {
  log: (line: string) => void;
  warmup?: number;
  samples?: number;
  /** How long the idle dashboard is watched (the figure is scaled to a minute). */
  dashboardSeconds?: number;
};

type Reply = { status: number; text: string; headers: Headers; ms: number };

async function tokenFor(url: string): Promise<string> {
  const res = await fetch(`${url}/local/token`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ sub: "bench", groups: ["admin"], email: "bench@example.test" }),
  });
  if (res.status !== 200) throw new Error(`POST /local/token → ${res.status}`);
  return ((await res.json()) as { token: string }).token;
}

function client(url: string, token: string) {
  const send = async (method: string, path: string, body?: unknown, headers: Record<string, string> = {}) => {
    const t0 = performance.now();
    const res = await fetch(`${url}${path}`, {
      method,
      headers: {
        authorization: `Bearer ${token}`,
        ...(body === undefined ? {} : { "content-type": "application/json" }),
        ...headers,
      },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await res.text();
    return { status: res.status, text, headers: res.headers, ms: performance.now() - t0 } satisfies Reply;
  };
  return { send };
}

/** Bytes of an answer as the client downloads them: status line, headers and body. */
function wireBytes(r: Reply): number {
  let head = `HTTP/1.1 ${r.status}\r\n`.length + 2;
  r.headers.forEach((v, k) => {
    head += k.length + 2 + v.length + 2;
  });
  return head + Buffer.byteLength(r.text);
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
/** Time given to a finished run's last writes before the next sample. */
const SETTLE_MS = 150;

async function untilFinished(http: ReturnType<typeof client>, id: string): Promise<void> {
  for (;;) {
    const r = await http.send("GET", `/v1/runs/${id}`);
    const s = (JSON.parse(r.text) as { status: string }).status;
    if (s !== "RUNNING" && s !== "QUEUED") return;
    await sleep(25);
  }
}

export async function runApiBench(env: BenchEnv, opts: ApiBenchOptions): Promise<ApiBenchResult> {
  const { log } = opts;
  const warmup = opts.warmup ?? Number(process.env.BENCH_API_WARMUP ?? 5);
  const n = opts.samples ?? Number(process.env.BENCH_API_SAMPLES ?? 40);
  // As `npm start` runs it (scheduler and default schedules on), with a rate limit high enough for
  // the loop but still counted, so the trigger does every write it does in real use.
  const stack = await env.startStack("benchapi", { triggersPerMinute: 100_000 });
  try {
    const http = client(stack.url, await tokenFor(stack.url));
    const trigger = await triggerLatency(env, stack, http, warmup, n, log);
    const list = await listWeight(env, stack, http, log);
    const dashboard = await dashboardWeight(
      http,
      opts.dashboardSeconds ?? Number(process.env.BENCH_API_DASHBOARD_S ?? 60),
      log,
    );
    return { trigger, list, dashboard };
  } finally {
    await stack.stop({ graceMs: 1000 });
  }
}

async function triggerLatency(
  env: BenchEnv,
  stack: LocalStack,
  http: ReturnType<typeof client>,
  warmup: number,
  n: number,
  log: (line: string) => void,
): Promise<ApiBenchResult["trigger"]> {
  const floor: number[] = [];
  const trig: number[] = [];
  const posts: number[] = [];
  const gets: number[] = [];
  const resting: number[] = [];
  const table = stack.tables.runs;
  for (let i = 0; i < warmup + n; i++) {
    // Floor: what one write and one read of a run cost on this DynamoDB Local.
    const item = toRunItem(
      newRun({
        execution_uuid: randomUUID(),
        job_name: "bench.floor",
        params: { stage_delay_ms: 100 },
        data_source: ["recap_articles"],
        concurrency_key: "bench.floor",
        trigger_source: "manual",
        triggered_by: "bench@example.test",
        status: "RUNNING",
        now: new Date(),
      }),
    );
    const f0 = performance.now();
    await env.doc.send(new PutCommand({ TableName: table, Item: item }));
    await env.doc.send(
      new GetCommand({
        TableName: table,
        Key: { execution_uuid: item.execution_uuid },
        ConsistentRead: true,
      }),
    );
    const floorMs = performance.now() - f0;

    // Trigger → the run seen RUNNING through the API (it must be there at once: one GET).
    const t0 = performance.now();
    const started = await http.send("POST", "/v1/trigger", {
      job_name: "recap.pipeline",
      options: { stage_delay_ms: 100 },
    });
    if (started.status === 409) {
      // A default schedule fired meanwhile: let its run end, and take this sample again.
      await untilFinished(http, JSON.parse(started.text).error.details.execution_uuid);
      i--;
      continue;
    }
    if (started.status !== 202) throw new Error(`trigger → ${started.status} ${started.text.slice(0, 300)}`);
    const postMs = performance.now() - t0;
    const id = (JSON.parse(started.text) as { execution_uuid: string }).execution_uuid;
    const seen = await http.send("GET", `/v1/runs/${id}`);
    const triggerMs = performance.now() - t0;
    const status = seen.status === 200 ? (JSON.parse(seen.text) as { status: string }).status : null;
    if (status !== "RUNNING") throw new Error(`run ${id} right after its 202: ${seen.status} ${status}`);
    // Untimed: the next trigger needs the slot free again, and the run's last writes (slot release,
    // end of execution) done, so that each sample starts from a store at rest like the floor does.
    await untilFinished(http, id);
    await sleep(SETTLE_MS);
    if (i >= warmup) {
      floor.push(floorMs);
      trig.push(triggerMs);
      posts.push(postMs);
      gets.push(seen.ms);
      resting.push((await http.send("GET", `/v1/runs/${id}`)).ms);
    }
  }
  const floorMs = median(floor);
  const triggerMs = median(trig);
  log(
    `api: trigger → RUNNING p50 ${fmtMs(triggerMs)} vs PutItem+GetItem p50 ${fmtMs(floorMs)} ` +
      `(ratio ${(triggerMs / floorMs).toFixed(2)}, n=${n})`,
  );
  return {
    floorMs,
    triggerMs,
    ratio: triggerMs / floorMs,
    samples: n,
    postMs: median(posts),
    getMs: median(gets),
    restingGetMs: median(resting),
  };
}

/**
 * 100 finished recap.pipeline runs as the job leaves them: copies (new ids, earlier starts) of the
 * runs the trigger loop has just made, so their progress, stages and items are the real ones.
 */
async function listWeight(
  env: BenchEnv,
  stack: LocalStack,
  http: ReturnType<typeof client>,
  log: (line: string) => void,
): Promise<ApiBenchResult["list"]> {
  const page = await http.send("GET", "/v1/runs?job_name=recap.pipeline&limit=100");
  const made = (JSON.parse(page.text) as { results: Array<{ execution_uuid: string }> }).results;
  const sources: Record<string, unknown>[] = [];
  for (const r of made) {
    const out = await env.doc.send(
      new GetCommand({ TableName: stack.tables.runs, Key: { execution_uuid: r.execution_uuid } }),
    );
    if (out.Item && out.Item.status === "SUCCESS") sources.push(out.Item);
  }
  if (!sources.length) throw new Error("no finished recap.pipeline run to copy");
  const missing = 100 - made.length;
  const copies: Record<string, unknown>[] = [];
  for (let i = 0; i < missing; i++) {
    const src = sources[i % sources.length]!;
    const shift = (i + 1) * 3_600_000;
    const at = (iso: unknown) =>
      typeof iso === "string" ? new Date(Date.parse(iso) - shift).toISOString() : iso;
    copies.push({
      ...src,
      execution_uuid: randomUUID(),
      started_at: at(src.started_at),
      finished_at: at(src.finished_at),
      created_at: at(src.created_at),
      updated_at: at(src.updated_at),
      feed_bucket: String(at(src.started_at)).slice(0, 7),
    });
  }
  for (let i = 0; i < copies.length; i += 25) {
    const chunk = copies.slice(i, i + 25).map((Item) => ({ PutRequest: { Item } }));
    const out = await env.doc.send(new BatchWriteCommand({ RequestItems: { [stack.tables.runs]: chunk } }));
    if (Object.keys(out.UnprocessedItems ?? {}).length) throw new Error("unprocessed items in the copy");
  }
  const listed = await http.send("GET", "/v1/runs?job_name=recap.pipeline&limit=100");
  const count = (JSON.parse(listed.text) as { count: number }).count;
  if (count !== 100) throw new Error(`the page had ${count} runs, not 100`);
  const full = await http.send("GET", "/v1/runs?job_name=recap.pipeline&limit=100&detail=full");
  const fullCount = full.status === 200 ? (JSON.parse(full.text) as { count: number }).count : 0;
  const bytes = Buffer.byteLength(listed.text);
  // Only when the API knows ?detail=full (and does not simply ignore it) is it a second figure.
  const fullBytes = fullCount === 100 && full.text !== listed.text ? Buffer.byteLength(full.text) : null;
  log(
    `api: page of 100 recap.pipeline runs ${(bytes / 1024).toFixed(1)} KB` +
      (fullBytes === null ? "" : ` (detail=full ${(fullBytes / 1024).toFixed(1)} KB)`),
  );
  return { bytes, count, fullBytes };
}

/**
 * An idle dashboard tab: nothing runs; the page has loaded (its first answers, counted apart) and
 * keeps polling as it does in the browser, with its ETag cache. The figure is that steady state.
 */
async function dashboardWeight(
  http: ReturnType<typeof client>,
  seconds: number,
  log: (line: string) => void,
): Promise<ApiBenchResult["dashboard"]> {
  const etags = new Map<string, string>();
  const get = async (path: string) => {
    const tag = etags.get(path);
    const r = await http.send("GET", path, undefined, tag ? { "if-none-match": tag } : {});
    if (r.status !== 200 && r.status !== 304) throw new Error(`GET ${path} → ${r.status}`);
    const etag = r.headers.get("etag");
    if (r.status === 200 && etag) etags.set(path, etag);
    return r;
  };
  let loadBytes = 0;
  for (const p of DASHBOARD_POLLS) loadBytes += wireBytes(await get(p.path));
  let bytes = 0;
  let requests = 0;
  let notModified = 0;
  const t0 = performance.now();
  const end = t0 + seconds * 1000;
  const poll = async (path: string, everyMs: number) => {
    for (let next = t0 + everyMs; next < end; next += everyMs) {
      const wait = next - performance.now();
      if (wait > 0) await sleep(wait);
      const r = await get(path);
      requests++;
      bytes += wireBytes(r);
      if (r.status === 304) notModified++;
    }
  };
  await Promise.all(DASHBOARD_POLLS.map((p) => poll(p.path, p.everyMs)));
  const bytesPerMinute = (bytes * 60) / seconds;
  log(
    `api: idle dashboard ${(bytesPerMinute / 1024).toFixed(1)} KB a minute after a ${(loadBytes / 1024).toFixed(1)} KB ` +
      `load (${requests} polls in ${seconds} s, ${notModified} answered 304)`,
  );
  return { bytesPerMinute, loadBytes, requests, notModified, seconds };
}

// Issue 15, what operators see: each job says where it runs (Lambda, or Fargate with its size and
// Spot), its time limit in human units and, on Fargate, its heartbeat limit; a fargate run's page
// says where its attempt runs (the ECS task and its log stream, or locally the child's pid), and
// while its task is starting (no progress yet) a calm note says that takes 30–90 s. In real
// Chromium, in Japanese and English, at desktop width and at 390 px, with axe-core at 0 violations.
// The runs are written straight into the stack's store: this is what the page shows; running a
// fargate job end to end is the local runner's test.
import { randomUUID } from "node:crypto";
import type { Page } from "playwright-core";
import { describe, expect, it } from "vitest";
import * as z from "zod/mini";
import { durationSeconds, newRun, ZERO_COUNTS } from "#domain/runs/run-lifecycle.ts";
import { defineJob } from "#jobs/define-job.ts";
import type { Run, RunStatus, RunTask } from "#schemas/run.ts";
import { ALL_TEST_REGISTRY } from "#test/helpers/test-jobs.ts";
import { axeViolations, realErrors, useE2eStack } from "./e2e-helpers.ts";

/** A fargate job as an operator would declare a two-hour ingestion: 1 vCPU / 2 GB on Spot, 4 h, 10 min heartbeat. */
const FARGATE_JOB = "test.fargate_ingest";
const fargateIngest = defineJob({
  name: FARGATE_JOB,
  description: {
    ja: "Fargate で長時間動くジョブ（表示の確認用）",
    en: "a long fargate job (display checks)",
  },
  category: "test",
  data_sources: ["opendata"],
  parameters: z.object({}),
  runtime: "fargate",
  resources: { cpu: 1024, memory_mb: 2048 },
  spot: true,
  timeout_seconds: 14_400,
  heartbeat_seconds: 600,
  async run(ctx) {
    ctx.count.input(1);
  },
});
/** The smallest task, on demand, with a 12 h budget and a 1 h 30 min heartbeat: other units, no Spot. */
const SMALL_JOB = "test.fargate_small";
const fargateSmall = defineJob({
  name: SMALL_JOB,
  description: { ja: "最小サイズの Fargate ジョブ", en: "the smallest fargate job" },
  category: "test",
  data_sources: ["opendata"],
  parameters: z.object({}),
  runtime: "fargate",
  resources: { cpu: 256, memory_mb: 512 },
  timeout_seconds: 43_200,
  heartbeat_seconds: 5400,
  async run(ctx) {
    ctx.count.input(1);
  },
});
const LAMBDA_JOB = "recap.pipeline"; // timeout_seconds 120

const e2e = useE2eStack({ jobs: [...ALL_TEST_REGISTRY, fargateIngest, fargateSmall] });

const TASK_ID = "0f3c9e27a1b84d6e9c5a2b7d8e1f4a6b";
const ECS_TASK: Omit<RunTask, "started_at"> = {
  id: `arn:aws:ecs:ap-northeast-1:123456789012:task/jobdeck/${TASK_ID}`,
  pid: null,
  attempt: 1,
  console_url: `https://ap-northeast-1.console.aws.amazon.com/ecs/v2/clusters/jobdeck/tasks/${TASK_ID}/configuration`,
  log_stream_url: `https://ap-northeast-1.console.aws.amazon.com/cloudwatch/home?region=ap-northeast-1#logsV2:log-groups/log-group/$252Fjobdeck$252Fjobs$252Ftest.fargate_ingest/log-events/job$252Fjob$252F${TASK_ID}`,
};
const LOCAL_TASK: Omit<RunTask, "started_at"> = {
  id: "local:pid:12345",
  pid: 12345,
  attempt: 1,
  console_url: null,
  log_stream_url: null,
};

/** Writes one run of `job` straight into the stack's store (finished unless RUNNING). */
async function seedRun(
  job: string,
  status: RunStatus,
  task: Omit<RunTask, "started_at"> | null,
): Promise<Run> {
  const started = new Date(Date.now() - 90_000);
  const base = newRun({
    execution_uuid: randomUUID(),
    job_name: job,
    params: {},
    data_source: ["opendata"],
    concurrency_key: `${job}:${randomUUID()}`,
    trigger_source: "manual",
    triggered_by: "ops@example.test",
    status: "RUNNING",
    now: started,
  });
  const finished = new Date(started.getTime() + 60_000).toISOString();
  const run: Run = {
    ...base,
    task: task ? { ...task, started_at: new Date(started.getTime() + 40_000).toISOString() } : null,
    ...(status === "RUNNING"
      ? {}
      : {
          status,
          finished_at: finished,
          duration_seconds: durationSeconds(base.started_at, finished),
          input_count: 12,
          inserted_count: 12,
        }),
  };
  expect(await e2e.h.stack.deps.runs.create(run)).toBe(true);
  return run;
}

const VIEWS = [
  { lang: "ja", phone: false },
  { lang: "ja", phone: true },
  { lang: "en", phone: false },
  { lang: "en", phone: true },
] as const;
const label = (v: (typeof VIEWS)[number]) => `${v.lang}${v.phone ? " 390px" : ""}`;

const scrollWidth = (page: Page) => page.evaluate(() => document.documentElement.scrollWidth);
const text = async (page: Page, selector: string) =>
  ((await page.locator(selector).first().textContent()) ?? "").replace(/\s+/g, " ").trim();

describe("runtimes on the admin page", () => {
  it("the jobs page shows each job's runtime, its time limit in hours or minutes, and a fargate job's heartbeat limit", async () => {
    const want = {
      ja: {
        lambda: { runtime: "Lambda", limit: "1 回の試行につき 2 分" },
        fargate: {
          runtime: "Fargate · 1 vCPU · 2 GB Spot",
          limit: "1 回の試行につき 4 時間",
          heartbeat: "進捗の報告が 10 分 途絶えるとタイムアウト",
        },
        small: {
          runtime: "Fargate · 0.25 vCPU · 0.5 GB",
          limit: "1 回の試行につき 12 時間",
          heartbeat: "進捗の報告が 1 時間 30 分 途絶えるとタイムアウト",
        },
      },
      en: {
        lambda: { runtime: "Lambda", limit: "2 min per attempt" },
        fargate: {
          runtime: "Fargate · 1 vCPU · 2 GB Spot",
          limit: "4 h per attempt",
          heartbeat: "Times out after 10 min without progress",
        },
        small: {
          runtime: "Fargate · 0.25 vCPU · 0.5 GB",
          limit: "12 h per attempt",
          heartbeat: "Times out after 1 h 30 min without progress",
        },
      },
    };
    const found: string[] = [];
    for (const view of VIEWS) {
      const { page, context, errors } = await e2e.open({
        as: "admin",
        phone: view.phone,
        at: `/jobs?lang=${view.lang}`,
      });
      try {
        const card = (job: string) => `[data-testid=job-card][data-job="${job}"]`;
        await page.locator(card(FARGATE_JOB)).waitFor({ timeout: 10_000 });
        const w = want[view.lang];
        for (const [job, expected] of [
          [LAMBDA_JOB, w.lambda],
          [FARGATE_JOB, w.fargate],
          [SMALL_JOB, w.small],
        ] as const) {
          expect(await text(page, `${card(job)} [data-testid=job-runtime]`), `${job} ${label(view)}`).toBe(
            expected.runtime,
          );
          expect(await text(page, `${card(job)} [data-testid=job-time-limit]`), `${job} ${label(view)}`).toBe(
            expected.limit,
          );
          const heartbeat = page.locator(`${card(job)} [data-testid=job-heartbeat]`);
          if ("heartbeat" in expected)
            expect(await text(page, `${card(job)} [data-testid=job-heartbeat]`)).toBe(expected.heartbeat);
          else expect(await heartbeat.count(), `${job} has no heartbeat`).toBe(0);
        }
        // Spot says what it means where the operator points.
        expect(
          await page.locator(`${card(FARGATE_JOB)} [data-testid=runtime-spot]`).getAttribute("title"),
        ).toContain(view.lang === "ja" ? "2 分前の通知" : "2 minutes' notice");
        if (view.phone) {
          const sw = await scrollWidth(page);
          if (sw > 390) found.push(`/jobs ${label(view)}: ${sw}px wide`);
        }
        for (const v of await axeViolations(page)) found.push(`/jobs ${label(view)}: ${v}`);
        expect(realErrors(errors)).toEqual([]);
      } finally {
        await context.close();
      }
    }
    expect(found).toEqual([]);
  });

  it("a fargate run's page links its ECS task to the console and its log stream; locally it names the child process's pid", async () => {
    const onEcs = await seedRun(FARGATE_JOB, "SUCCESS", ECS_TASK);
    const local = await seedRun(FARGATE_JOB, "SUCCESS", LOCAL_TASK);
    const onLambda = await seedRun(LAMBDA_JOB, "SUCCESS", null);
    const found: string[] = [];
    for (const view of VIEWS) {
      const { page, context, errors } = await e2e.open({
        as: "admin",
        phone: view.phone,
        at: `/runs/${onEcs.execution_uuid}?lang=${view.lang}`,
      });
      try {
        const task = page.locator("[data-testid=run-task]");
        await task.waitFor({ timeout: 10_000 });
        await page.locator("[data-testid=run-runtime]").waitFor();
        expect(await text(page, "[data-testid=run-runtime]")).toBe("Fargate · 1 vCPU · 2 GB Spot");
        const consoleLink = task.locator("[data-testid=task-console]");
        expect(await consoleLink.textContent()).toBe(TASK_ID);
        expect(await consoleLink.getAttribute("href")).toBe(ECS_TASK.console_url);
        expect(await consoleLink.getAttribute("target")).toBe("_blank");
        const logLink = task.locator("[data-testid=task-log-stream]");
        expect(await logLink.textContent()).toBe(view.lang === "ja" ? "ログストリーム" : "log stream");
        expect(await logLink.getAttribute("href")).toBe(ECS_TASK.log_stream_url);
        // A finished run is not starting.
        expect(await page.locator("[data-testid=task-starting]").count()).toBe(0);
        if (view.phone) {
          const sw = await scrollWidth(page);
          if (sw > 390) found.push(`ecs run ${label(view)}: ${sw}px wide`);
        }
        for (const v of await axeViolations(page)) found.push(`ecs run ${label(view)}: ${v}`);

        await page.goto(`/runs/${local.execution_uuid}?lang=${view.lang}`);
        await page.locator("[data-testid=task-local]").waitFor({ timeout: 10_000 });
        expect(await text(page, "[data-testid=run-task]")).toBe(
          view.lang === "ja" ? "ローカルプロセス（PID 12345）" : "Local process pid 12345",
        );
        expect(await page.locator("[data-testid=run-task] a").count(), "no console link locally").toBe(0);
        for (const v of await axeViolations(page)) found.push(`local run ${label(view)}: ${v}`);

        // A lambda run says Lambda and has no task line.
        await page.goto(`/runs/${onLambda.execution_uuid}?lang=${view.lang}`);
        await page.locator("[data-testid=run-runtime]").waitFor({ timeout: 10_000 });
        expect(await text(page, "[data-testid=run-runtime]")).toBe("Lambda");
        expect(await page.locator("[data-testid=run-task]").count()).toBe(0);
        expect(realErrors(errors)).toEqual([]);
      } finally {
        await context.close();
      }
    }
    expect(found).toEqual([]);
  });

  it("while a fargate run is RUNNING with no progress yet, its page, its job card and the dashboard say calmly that the task takes 30–90 s to start, and stop saying it once progress comes", async () => {
    const starting = await seedRun(FARGATE_JOB, "RUNNING", null);
    // A lambda run without progress yet is not told to wait for a task.
    const lambdaRunning = await seedRun(LAMBDA_JOB, "RUNNING", null);
    const found: string[] = [];
    try {
      for (const view of VIEWS) {
        const { page, context, errors } = await e2e.open({
          as: "admin",
          phone: view.phone,
          at: `/runs/${starting.execution_uuid}?lang=${view.lang}`,
        });
        try {
          const note = page.locator("[data-testid=task-starting]");
          await note.waitFor({ timeout: 10_000 });
          const said = await note.textContent();
          expect(said).toContain(view.lang === "ja" ? "30〜90 秒" : "30–90 s");
          // A status note, not an error.
          expect(await note.getAttribute("role")).toBe("status");
          expect(
            await note.evaluate((e) => e.closest(".error-note") === null && !e.matches(".error-note")),
          ).toBe(true);
          expect(await page.locator(".error-note").count()).toBe(0);
          // said once, at length: the stage section does not repeat it
          expect(await page.locator("[data-testid=task-starting-short]").count()).toBe(0);
          expect(await text(page, "[data-testid=run-task]")).toBe(
            view.lang === "ja" ? "タスクの起動を待っています" : "Waiting for the task to start",
          );
          if (view.phone) {
            const sw = await scrollWidth(page);
            if (sw > 390) found.push(`starting run ${label(view)}: ${sw}px wide`);
          }
          for (const v of await axeViolations(page)) found.push(`starting run ${label(view)}: ${v}`);

          await page.goto(`/jobs?lang=${view.lang}`);
          const card = page.locator(`[data-testid=job-card][data-job="${FARGATE_JOB}"]`);
          const short = card.locator("[data-testid=job-active-run] [data-testid=task-starting-short]");
          await short.waitFor({ timeout: 10_000 });
          expect(await short.textContent()).toContain(view.lang === "ja" ? "30〜90 秒" : "30–90 s");
          const lambdaCard = page.locator(`[data-testid=job-card][data-job="${LAMBDA_JOB}"]`);
          await lambdaCard.locator("[data-testid=job-active-run]").waitFor({ timeout: 10_000 });
          expect(await lambdaCard.locator("[data-testid=task-starting-short]").count()).toBe(0);
          for (const v of await axeViolations(page)) found.push(`/jobs starting ${label(view)}: ${v}`);

          // The dashboard's card of the running fargate job says the same; the lambda one does not.
          await page.goto(`/?lang=${view.lang}`);
          const active = (job: string) => page.locator(`[data-testid=active-run][data-job="${job}"]`);
          await active(FARGATE_JOB).locator("[data-testid=task-starting-short]").waitFor({ timeout: 10_000 });
          await active(LAMBDA_JOB).waitFor();
          expect(await active(LAMBDA_JOB).locator("[data-testid=task-starting-short]").count()).toBe(0);
          if (view.phone) {
            const sw = await scrollWidth(page);
            if (sw > 390) found.push(`dashboard starting ${label(view)}: ${sw}px wide`);
          }
          for (const v of await axeViolations(page)) found.push(`dashboard starting ${label(view)}: ${v}`);

          await page.goto(`/runs/${lambdaRunning.execution_uuid}?lang=${view.lang}`);
          await page.locator("[data-testid=run-runtime]").waitFor({ timeout: 10_000 });
          expect(await page.locator("[data-testid=task-starting]").count()).toBe(0);
          expect(realErrors(errors)).toEqual([]);
        } finally {
          await context.close();
        }
      }

      // The task starts and reports: the page (polling every second) drops the note and shows the task.
      const { page, context, errors } = await e2e.open({
        as: "admin",
        at: `/runs/${starting.execution_uuid}`,
      });
      try {
        await page.locator("[data-testid=task-starting]").waitFor({ timeout: 10_000 });
        const runs = e2e.h.stack.deps.runs;
        expect(
          await runs.patchActive(starting.execution_uuid, {
            task: { ...LOCAL_TASK, started_at: new Date().toISOString() },
          }),
        ).toBe(true);
        const now = new Date().toISOString();
        expect(
          await runs.writeProgress(starting.execution_uuid, {
            attempt: 1,
            counts: { ...ZERO_COUNTS, input_count: 3 },
            progress: {
              stage: null,
              stages: [],
              current: 3,
              total: 12,
              message: "Downloaded 3 / 12 files",
              items: [],
              updated_at: now,
            },
          }),
        ).toBe(true);
        await expect
          .poll(() => page.locator("[data-testid=task-starting]").count(), { timeout: 10_000 })
          .toBe(0);
        await page.locator("[data-testid=task-local]").waitFor({ timeout: 10_000 });
        expect(realErrors(errors)).toEqual([]);
      } finally {
        await context.close();
      }
    } finally {
      for (const r of [starting, lambdaRunning])
        await e2e.h.stack.deps.runs.finish(r.execution_uuid, ["RUNNING"], {
          status: "CANCELLED",
          finished_at: new Date().toISOString(),
          duration_seconds: 1,
          error_summary: "cancelled by e2e",
          next_scheduled_for: null,
          expires_at: null,
        });
    }
    expect(found).toEqual([]);
  });
});

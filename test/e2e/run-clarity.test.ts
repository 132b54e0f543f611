// Issue 14, part A, in real Chromium: a failure explains itself (problem 3: attempts, the retry
// wait, the run's own log lines), live progress shows every stage and where the run is as a whole
// (problem 4), and a cancelled run reads as cancelled (problem 10).
import { readFileSync } from "node:fs";
import type { Page } from "playwright-core";
import { afterEach, describe, expect, it } from "vitest";
import * as z from "zod/mini";
import { defineJob } from "#jobs/define-job.ts";
import { isFinished } from "#test/helpers/harness.ts";
import { ALL_TEST_REGISTRY } from "#test/helpers/test-jobs.ts";
import { realErrors, useE2eStack } from "./e2e-helpers.ts";

const sleep = (ms: number, signal: AbortSignal) =>
  new Promise<void>((resolve) => {
    const t = setTimeout(resolve, ms);
    signal.addEventListener("abort", () => {
      clearTimeout(t);
      resolve();
    });
  });

/** Fails in its fetch stage on every attempt, with a log line first; 3 attempts, 2 s apart. */
const retriesThenFails = defineJob({
  name: "test.retries_then_fails",
  description: "fails in fetch on every attempt; retried twice",
  category: "test",
  data_sources: ["flaky_api"],
  stages: ["fetch", "store"],
  parameters: z.object({}),
  retry: { attempts: 3, backoff_seconds: 2, backoff_rate: 1 },
  async run(ctx) {
    ctx.stage("fetch");
    ctx.logger.info("asking the upstream for page 1", { page: 1 });
    await sleep(300, ctx.signal);
    throw new TypeError(`upstream answered 503 on attempt ${ctx.attempt}`);
  },
});

/** Eight short stages: each well under the page's poll interval of old. */
const STAGES = ["fetch", "parse", "preprocess", "dedup", "genre", "score", "store", "notify"];
const quickStages = defineJob({
  name: "test.quick_stages",
  description: "eight stages of `ms` each",
  category: "test",
  data_sources: ["clock"],
  stages: STAGES,
  parameters: z.strictObject({ ms: z._default(z.number(), 250) }),
  async run(ctx) {
    for (const s of STAGES) {
      ctx.stage(s);
      for (let i = 1; i <= 4; i++) {
        ctx.progress({ current: i * 30, total: 120 });
        await sleep(ctx.params.ms / 4, ctx.signal);
      }
    }
  },
});

const e2e = useE2eStack({ jobs: [...ALL_TEST_REGISTRY, retriesThenFails, quickStages] });

// Each test starts from no active run (a failed test must not leave its run holding the job's slot).
afterEach(async () => {
  const active = await e2e.h.admin("GET", "/v1/runs?status=QUEUED,RUNNING");
  for (const r of active.body.results as { execution_uuid: string }[]) {
    await e2e.h.admin("POST", `/v1/runs/${r.execution_uuid}/cancel`, {});
    await e2e.h.waitForRun(r.execution_uuid, isFinished);
  }
});

const trigger = async (job: string, options: Record<string, unknown> = {}) => {
  const r = await e2e.h.admin("POST", "/v1/trigger", { job_name: job, options });
  expect(r.status, JSON.stringify(r.body)).toBe(202);
  return r.body.execution_uuid as string;
};

/** The page's clock runs `ms` behind the server's (a browser whose clock is slow). */
const skewClock = (page: Page, ms: number) =>
  page.addInitScript((skew: number) => {
    const real = Date.now.bind(Date);
    Date.now = () => real() - skew;
  }, ms);

describe("problem 3: a failure explains itself", () => {
  it("problem 3: a run retried twice then failed shows 3 attempts with their errors and its log lines on its page; the retry wait says when the next attempt starts", async () => {
    const id = await trigger("test.retries_then_fails");
    const { page, context, errors } = await e2e.open({ as: "viewer", at: `/runs/${id}` });
    const statuses: number[] = [];
    page.on("response", (res) => {
      if (new URL(res.url()).pathname === `/v1/runs/${id}`) statuses.push(res.status());
    });
    try {
      // During the back-off: "再試行 2/3 — hh:mm:ss に開始", not 実行中 with a red ✕.
      const note = page.getByTestId("retry-note");
      await note.waitFor({ timeout: 15_000 });
      await expect.poll(() => note.textContent()).toMatch(/再試行 2\/3 — \d\d:\d\d:\d\d に開始/);
      expect(await page.locator(".run-title [data-retry=true]").textContent()).toContain("再試行待ち");
      expect(await page.locator(".stages .stage-failed").count()).toBe(0);

      const run = page.getByTestId("run-page");
      await expect.poll(() => run.getAttribute("data-status"), { timeout: 30_000 }).toBe("FAILURE");
      // Polled every second; while nothing changed (the back-off) the answer was a 304 (ETag).
      expect(statuses).toContain(304);
      // No doubled prefix in the summary.
      expect(await page.locator(".error-note").textContent()).not.toMatch(
        /Error: Error:|TypeError: TypeError:/,
      );
      const attempts = page.getByTestId("attempt");
      await expect.poll(() => attempts.count()).toBe(3);
      for (let n = 1; n <= 3; n++) {
        const a = page.locator(`[data-testid=attempt][data-attempt="${n}"]`);
        const text = (await a.textContent()) ?? "";
        expect(text).toContain(`${n} 回目`);
        expect(text).toContain("TypeError");
        expect(text).toContain(`upstream answered 503 on attempt ${n}`);
        // The first stack frames, folded away.
        const stack = a.locator("details");
        expect(await stack.getAttribute("open")).toBeNull();
        await stack.locator("summary").click();
        expect(await stack.locator("pre").textContent()).toMatch(/^at /);
      }
      // The run's own log lines, oldest first: the job's line, each attempt's failure, the retries.
      const log = page.getByTestId("run-log");
      await expect
        .poll(async () => (await log.textContent()) ?? "", { timeout: 10_000 })
        .toContain("asking the upstream for page 1");
      const lines = await page.getByTestId("log-line").allTextContents();
      expect(lines.filter((l) => l.includes("attempt failed, retrying"))).toHaveLength(2);
      expect(lines.filter((l) => l.includes("upstream answered 503"))).not.toHaveLength(0);
      expect(lines.findIndex((l) => l.includes("page=1"))).toBeLessThan(
        lines.findIndex((l) => l.includes("attempt failed, retrying")),
      );
      expect(realErrors(errors)).toEqual([]);
    } finally {
      await context.close();
    }
  });

  it("problem 3: during the back-off the dashboard card says when the retry starts, not 実行中 with a red ✕; the run page has no axe-core violation", async () => {
    const id = await trigger("test.retries_then_fails");
    const { page, context, errors } = await e2e.open({ as: "admin", at: "/" });
    try {
      const card = page.locator("[data-testid=active-run][data-job='test.retries_then_fails']");
      const note = card.getByTestId("retry-note");
      await note.waitFor({ timeout: 15_000 });
      await expect.poll(() => note.textContent()).toMatch(/再試行 2\/3 — \d\d:\d\d:\d\d に開始/);
      expect(await card.locator("[data-retry=true]").textContent()).toContain("再試行待ち");
      expect(await card.locator(".stage-failed").count()).toBe(0);

      await e2e.h.waitForRun(id, isFinished);
      await page.goto(`/runs/${id}`);
      await page.getByTestId("attempt").first().waitFor();
      await page.getByTestId("log-line").first().waitFor();
      // Evaluated through the devtools protocol: the page's CSP (script-src 'self') refuses a script tag.
      await page.evaluate(readFileSync("node_modules/axe-core/axe.min.js", "utf8"));
      const violations = await page.evaluate(async () => {
        const axe = (
          window as unknown as {
            axe: { run(d: Document): Promise<{ violations: { id: string; nodes: unknown[] }[] }> };
          }
        ).axe;
        const r = await axe.run(document);
        return r.violations.map((v) => `${v.id} (${v.nodes.length})`);
      });
      expect(violations).toEqual([]);
      expect(realErrors(errors)).toEqual([]);
    } finally {
      await context.close();
    }
  });
});

describe("problem 4: live progress shows every stage", () => {
  it("problem 4: while a run is on screen the page polls every second with ETags, shows its stage position apart from the overall bar, and every stage it passed with its duration", async () => {
    const id = await trigger("test.quick_stages", { ms: 2000 });
    const { page, context, errors } = await e2e.open({ as: "admin", at: `/runs/${id}` });
    try {
      const runGets: number[] = [];
      page.on("response", (res) => {
        if (new URL(res.url()).pathname === `/v1/runs/${id}`) runGets.push(res.status());
      });
      // Stage k of n, distinct from the overall bar (stages done of 8) and from the stage's counter.
      const position = page.getByTestId("stage-position");
      await expect.poll(() => position.textContent(), { timeout: 10_000 }).toMatch(/ステージ [2-7]\/8/);
      const overall = page.getByRole("progressbar", { name: "全体の進捗（完了したステージ）" });
      expect(await overall.getAttribute("aria-valuemax")).toBe("8");
      expect(Number(await overall.getAttribute("aria-valuenow"))).toBeGreaterThanOrEqual(1);
      expect(await page.getByRole("progressbar", { name: "このステージの進捗" }).count()).toBe(1);
      // A poll a second while it runs (each after the last answer: ≥ 5 in 6 s; 1.5 s of old gave ≤ 4).
      const before = runGets.length;
      await page.waitForTimeout(6000);
      expect(runGets.length - before).toBeGreaterThanOrEqual(5);

      const run = page.getByTestId("run-page");
      await expect.poll(() => run.getAttribute("data-status"), { timeout: 20_000 }).toBe("SUCCESS");
      const stages = page.locator("[data-testid=stage-timeline] li");
      expect(await stages.evaluateAll((li) => li.map((l) => l.getAttribute("data-stage")))).toEqual(STAGES);
      for (const text of await stages.allTextContents()) expect(text).toMatch(/完了.*所要 \d+(\.\d)? 秒/);
      expect(realErrors(errors)).toEqual([]);
    } finally {
      await context.close();
    }
  });

  it("problem 4: the jobs page refreshes every second while a job runs, and the card shows every stage it passed", async () => {
    const { page, context, errors } = await e2e.open({ as: "admin", at: "/jobs" });
    try {
      const card = page.locator("[data-testid=job-card][data-job='test.quick_stages']");
      await card.waitFor();
      const gets: number[] = [];
      page.on("response", (res) => {
        if (new URL(res.url()).pathname === "/v1/jobs") gets.push(res.status());
      });
      const id = await trigger("test.quick_stages", { ms: 1000 });
      // Idle, the page polls every few seconds; then every second while the run is on screen.
      await card.getByTestId("job-active-run").waitFor({ timeout: 8000 });
      const seen = new Set<string>();
      const start = gets.length;
      const t0 = Date.now();
      while (Date.now() - t0 < 4000) {
        for (const s of await card.locator(".stages .stage-done .stage-name").allTextContents()) seen.add(s);
        await page.waitForTimeout(200);
      }
      expect(gets.length - start).toBeGreaterThanOrEqual(3);
      expect(seen.size).toBeGreaterThanOrEqual(2);
      await e2e.h.waitForRun(id, isFinished);
      expect(realErrors(errors)).toEqual([]);
    } finally {
      await context.close();
    }
  });
});

describe("problem 10: a cancelled run reads as cancelled", () => {
  it("problem 10: a cancelled run shows who cancelled it and when (never in the future), its unfinished stages as cancelled / not run, and the confirm buttons name their action", async () => {
    const id = await trigger("test.quick_stages", { ms: 8000 });
    const opened = await e2e.open({ as: "admin", at: "/" });
    const { page, context, errors } = opened;
    try {
      // The browser's clock runs 30 s behind the server's.
      await skewClock(page, 30_000);
      await page.goto(`/runs/${id}`);
      const run = page.getByTestId("run-page");
      await expect.poll(() => run.getAttribute("data-status")).toBe("RUNNING");
      await page.getByRole("button", { name: /実行をキャンセル/ }).click();
      const dialog = page.locator("dialog[open]");
      const labels = await dialog.locator(".actions button").allTextContents();
      expect(labels.map((l) => l.trim())).toEqual(["実行を続ける", "キャンセルする"]);
      await dialog.getByRole("button", { name: "キャンセルする" }).click();
      await expect.poll(() => run.getAttribute("data-status"), { timeout: 10_000 }).toBe("CANCELLED");

      // Neutral, who and when; no red error box.
      expect(await page.locator(".error-note").count()).toBe(0);
      const note = page.getByTestId("cancelled-note");
      expect(await note.textContent()).toMatch(
        /e2e-admin が \d{4}\/\d\d\/\d\d \d\d:\d\d:\d\d にキャンセルしました/,
      );
      // The stage it was in was cancelled; the later ones never ran; none is still "処理中".
      const timeline = page.getByTestId("stage-timeline");
      expect(await timeline.locator("[data-stage-status=cancelled]").count()).toBe(1);
      expect(await timeline.locator("[data-stage-status=notrun]").count()).toBeGreaterThanOrEqual(1);
      expect(await timeline.textContent()).not.toContain("処理中");
      expect(await timeline.textContent()).toContain("未実行");
      // No relative time in the future, whatever the browser's clock says.
      const rel = await page.locator(".when .rel").allTextContents();
      expect(rel.length).toBeGreaterThan(0);
      for (const r of rel) expect(r).not.toMatch(/後\)/);
      expect(realErrors(errors)).toEqual([]);
    } finally {
      await context.close();
    }
  });

  it("problem 10: in English, the cancel dialog names its action", async () => {
    const id = await trigger("test.slow", { ms: 20_000 });
    const { page, context } = await e2e.open({ as: "admin", at: `/runs/${id}?lang=en` });
    try {
      await page.goto(`/runs/${id}?lang=en`);
      const run = page.getByTestId("run-page");
      await expect.poll(() => run.getAttribute("data-status")).toBe("RUNNING");
      await page.getByRole("button", { name: /Cancel run/ }).click();
      const labels = await page.locator("dialog[open] .actions button").allTextContents();
      expect(labels.map((l) => l.trim())).toEqual(["Keep it running", "Cancel this run"]);
      await page.locator("dialog[open]").getByRole("button", { name: "Cancel this run" }).click();
      await e2e.h.waitForRun(id, isFinished);
    } finally {
      await e2e.h.admin("POST", `/v1/runs/${id}/cancel`, {});
      await context.close();
    }
  });
});

// A live run page keeps its relative times true: they tick on their own (a poll answered 304 does
// not re-render the page), and two times on it keep their order and difference, also when the
// browser's clock runs behind the server's (the clamp against "in 3 s" must not pin one to "now").
import type { Page } from "playwright-core";
import { describe, expect, it } from "vitest";
import * as z from "zod/mini";
import { defineJob } from "#jobs/define-job.ts";
import { isFinished } from "#test/helpers/harness.ts";
import { ALL_TEST_REGISTRY } from "#test/helpers/test-jobs.ts";
import { realErrors, useE2eStack } from "./e2e-helpers.ts";

/** Two stages, `ms` in all. */
const sleeps = defineJob({
  name: "test.sleeps_a_while",
  description: "two stages, `ms` in all",
  category: "test",
  data_sources: ["clock"],
  stages: ["wait", "done"],
  parameters: z.strictObject({ ms: z._default(z.number(), 4000) }),
  async run(ctx) {
    ctx.stage("wait");
    await new Promise((r) => setTimeout(r, ctx.params.ms - 500));
    ctx.stage("done");
    await new Promise((r) => setTimeout(r, 500));
  },
});

const e2e = useE2eStack({ jobs: [...ALL_TEST_REGISTRY, sleeps] });

/** "5 秒前" → 5, "今" → 0; anything else (a future "5 秒後", minutes) is a failure. */
const secondsAgo = (text: string | null): number => {
  const t = (text ?? "").replace(/[()]/g, "").trim();
  if (t === "今") return 0;
  const m = /^(\d+) 秒前$/.exec(t);
  if (!m) throw new Error(`not a past time in seconds: ${JSON.stringify(text)}`);
  return Number(m[1]);
};

const facts = async (page: Page) => {
  const rel = page.locator(".facts dd .rel");
  return {
    started: secondsAgo(await rel.nth(0).textContent()),
    finished: secondsAgo(await rel.nth(1).textContent()),
  };
};

async function watchRunFinish(skewMs: number) {
  const r = await e2e.h.admin("POST", "/v1/trigger", {
    job_name: sleeps.name,
    options: { ms: 4000 },
  });
  expect(r.status, JSON.stringify(r.body)).toBe(202);
  const id = r.body.execution_uuid as string;
  const { page, context, errors } = await e2e.open({ as: "admin", at: `/runs/${id}` });
  try {
    if (skewMs) {
      // the browser's clock runs `skewMs` behind the server's (set before any page script ran)
      await page.addInitScript((skew: number) => {
        const real = Date.now.bind(Date);
        Date.now = () => real() - skew;
      }, skewMs);
      await page.goto(`/runs/${id}`);
    }
    const run = page.getByTestId("run-page");
    await expect.poll(() => run.getAttribute("data-status"), { timeout: 20_000 }).toBe("SUCCESS");
    const done = await e2e.h.waitForRun(id, isFinished);
    const duration = (Date.parse(done.finished_at ?? "") - Date.parse(done.started_at ?? "")) / 1000;
    expect(duration).toBeGreaterThan(3);
    await page.locator(".facts dd .rel").nth(1).waitFor();
    await page.waitForTimeout(300);
    const first = await facts(page);
    await page.waitForTimeout(3000);
    const later = await facts(page);
    // ticking on their own: ~3 s on, both moved
    expect(later.started - first.started, JSON.stringify({ first, later })).toBeGreaterThanOrEqual(2);
    expect(later.finished - first.finished, JSON.stringify({ first, later })).toBeGreaterThanOrEqual(2);
    // started reads the run's duration earlier than finished (each rounded to a second)
    expect(
      Math.abs(later.started - later.finished - duration),
      JSON.stringify({ later, duration }),
    ).toBeLessThanOrEqual(1.5);
    expect(
      Math.abs(first.started - first.finished - duration),
      JSON.stringify({ first, duration }),
    ).toBeLessThanOrEqual(1.5);
    expect(realErrors(errors)).toEqual([]);
  } finally {
    await context.close();
  }
}

describe("relative times on a live run page", () => {
  it("a run watched to its end: started and finished tick on their own and stay the run's duration apart", async () => {
    await watchRunFinish(0);
  });

  it("with the browser's clock 6 s behind the server's: no time reads as future, started and finished still the duration apart", async () => {
    await watchRunFinish(6000);
  });
});

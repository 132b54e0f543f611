// Shared set-up and steps of the browser tests: one local stack serving the built admin page and one
// Chromium per file (useE2eStack), the dev login as a user would do it, and seeding runs.
import { randomUUID } from "node:crypto";
import { existsSync, readFileSync } from "node:fs";
import { createRequire } from "node:module";
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, expect } from "vitest";
import { durationSeconds, newRun } from "#domain/runs/run-lifecycle.ts";
import type { Run, RunStatus } from "#schemas/run.ts";
import { launchBrowser, newPage, type OpenedPage, type PageOptions } from "#test/helpers/browser.ts";
import { type Harness, type HarnessOptions, startHarness } from "#test/helpers/harness.ts";
import { WEB_DIST, WEB_INDEX } from "#test/helpers/web-build.ts";

export type Role = "admin" | "viewer";

export type E2eStack = {
  /** The local stack (started in beforeAll). */
  readonly h: Harness;
  /** Headless Chromium (launched in beforeAll). */
  readonly browser: Browser;
  /**
   * A fresh context (own cookies and storage) and page on the stack; with `as`, logged in through the
   * dev login form at `at` (default "/"). The caller closes `context` (try/finally).
   */
  open(opts?: PageOptions & { as?: Role; at?: string; user?: string }): Promise<OpenedPage>;
};

/**
 * The set-up of every e2e file: in beforeAll, the local stack serving web/dist (global-e2e builds it)
 * and a browser; in afterAll, both closed. `options` (or a function giving them, called in beforeAll,
 * after the hooks registered before this call) go to startHarness.
 */
export function useE2eStack(options: HarnessOptions | (() => HarnessOptions) = {}): E2eStack {
  let h: Harness | undefined;
  let browser: Browser | undefined;
  beforeAll(async () => {
    // Without web/dist the stack serves its placeholder page, which would pass tests for nothing.
    expect(existsSync(WEB_INDEX), `${WEB_INDEX} (global-e2e builds it)`).toBe(true);
    h = await startHarness({ staticDir: WEB_DIST, ...(typeof options === "function" ? options() : options) });
    browser = await launchBrowser();
  });
  afterAll(async () => {
    await browser?.close();
    await h?.stop();
  });
  const started = <T>(value: T | undefined, what: string): T => {
    if (value === undefined) throw new Error(`${what} is used before useE2eStack's beforeAll ran`);
    return value;
  };
  const stack: E2eStack = {
    get h() {
      return started(h, "the local stack");
    },
    get browser() {
      return started(browser, "the browser");
    },
    async open({ as, at, user, ...pageOptions } = {}) {
      const opened = await newPage(stack.browser, stack.h.url, pageOptions);
      if (as === undefined) return opened;
      try {
        await login(opened.page, as, at, user);
      } catch (e) {
        await opened.context.close();
        throw e;
      }
      return opened;
    },
  };
  return stack;
}

/** Logs in through the page's dev login form (POST /local/token), as admin or viewer. */
export async function login(page: Page, role: Role, path = "/", user = `e2e-${role}`) {
  await page.goto(path);
  await page.locator("#login-user").fill(user);
  await page.locator(`input[name=role][value=${role}]`).check();
  await page.locator("form button[type=submit]").click();
  await page.locator("header.topbar nav").waitFor();
}

/** Browser noise that is not a page fault: Chromium logs every 4xx answer the page expected. */
export const realErrors = (errors: string[]) => errors.filter((e) => !/Failed to load resource/.test(e));

/** Writes `n` finished runs straight into the store, one minute apart, newest = `newest`. */
export async function seedRuns(
  h: Harness,
  n: number,
  newest: Date,
  shape: (i: number) => { job: string; status: RunStatus; source: string } = (i) => ({
    job: i % 3 === 0 ? "listed_companies.sync" : "recap.pipeline",
    status: i % 7 === 0 ? "FAILURE" : "SUCCESS",
    source: i % 3 === 0 ? "jquants_listed_info" : "recap_articles",
  }),
): Promise<Run[]> {
  const runs: Run[] = [];
  for (let i = 0; i < n; i++) {
    const s = shape(i);
    const started = new Date(newest.getTime() - i * 60_000);
    const finished = new Date(started.getTime() + 30_000 + i * 10).toISOString();
    const base = newRun({
      execution_uuid: randomUUID(),
      job_name: s.job,
      params: {},
      data_source: [s.source],
      concurrency_key: s.job,
      trigger_source: i % 4 === 0 ? "manual" : "schedule",
      triggered_by: i % 4 === 0 ? "ops@example.test" : null,
      status: "RUNNING",
      now: started,
    });
    runs.push({
      ...base,
      status: s.status,
      finished_at: finished,
      duration_seconds: durationSeconds(base.started_at, finished),
      input_count: 100 + i,
      inserted_count: i % 5,
      skipped_count: 100 + i - (i % 5),
      skip_breakdown: { unchanged: 100 + i - (i % 5) },
      error_summary: s.status === "FAILURE" ? `upstream answered 503 (run ${i})` : null,
    });
  }
  // 8 at a time: quick, and gentle on the shared DynamoDB Local.
  for (let i = 0; i < runs.length; i += 8) {
    const created = await Promise.all(runs.slice(i, i + 8).map((r) => h.stack.deps.runs.create(r)));
    expect(created.every(Boolean)).toBe(true);
  }
  return runs;
}

/** The execution ids of the history table's rows, top to bottom. */
export async function rowIds(page: Page): Promise<string[]> {
  return page
    .locator("[data-testid=run-row]")
    .evaluateAll((rows) => rows.map((r) => r.getAttribute("data-uuid") ?? ""));
}

const AXE_SOURCE = readFileSync(createRequire(import.meta.url).resolve("axe-core/axe.min.js"), "utf8");

/** axe-core's violations on the page as it is: each rule id with its first three targets. */
export async function axeViolations(page: Page): Promise<string[]> {
  if (!(await page.evaluate(() => "axe" in window))) await page.evaluate(AXE_SOURCE);
  return page.evaluate(async () => {
    const axe = (
      window as unknown as {
        axe: {
          run: (c?: unknown) => Promise<{ violations: { id: string; nodes: { target: unknown }[] }[] }>;
        };
      }
    ).axe;
    const r = await axe.run(document);
    return r.violations.map((v) => `${v.id} ${JSON.stringify(v.nodes.slice(0, 3).map((n) => n.target))}`);
  });
}

import type { Page } from "playwright-core";
import { beforeAll, describe, expect, it } from "vitest";
import type { ScheduleView } from "#domain/schedules/schedule-service.ts";
import type { Run } from "#schemas/run.ts";
import { isFinished } from "#test/helpers/harness.ts";
import { axeViolations, login, seedRuns, useE2eStack } from "./e2e-helpers.ts";

// Evaluated through the DevTools protocol: the page's CSP (script-src 'self') refuses a script tag.
const e2e = useE2eStack();
let runs: Run[] = [];
let schedule: ScheduleView;
let realRun = "";
/** A backfill (issue 16) of a "params" job: its run's concurrency key is one long token. */
let backfill = { id: "", run: "" };

beforeAll(async () => {
  // A real run too: its page carries progress messages, stage names and counts the seeds lack.
  const started = await e2e.h.admin("POST", "/v1/trigger", {
    job_name: "recap.pipeline",
    options: { stage_delay_ms: 0 },
  });
  realRun = started.body.execution_uuid;
  await e2e.h.waitForRun(realRun, isFinished);
  const bf = await e2e.h.admin("POST", "/v1/jobs/test.logical_time/backfill", {
    schedule_expression: "cron(0 3 * * ? *)",
    timezone: "UTC",
    from: "2026-01-05T00:00:00Z",
    to: "2026-01-05T23:00:00Z",
  });
  backfill = { id: bf.body.id, run: bf.body.runs[0].execution_uuid };
  await e2e.h.waitForRun(backfill.run, isFinished);
  runs = await seedRuns(e2e.h, 100, new Date(Date.now() - 60_000));
  schedule = (
    await e2e.h.admin("POST", "/v1/schedules", {
      job_name: "listed_companies.sync",
      schedule_expression: "cron(30 11 * * ? *)",
      timezone: "Asia/Tokyo",
      tags: ["daily"],
    })
  ).body as ScheduleView;
});

/** Every page of the admin page, logged in (the login page is checked apart). */
const pages = () => [
  "/",
  "/jobs",
  "/history",
  `/runs/${runs[3]?.execution_uuid}`,
  `/runs/${runs[0]?.execution_uuid}`,
  `/runs/${realRun}`,
  "/schedules",
  `/schedules/${schedule.id}`,
  "/schedules/new",
  "/audit",
  "/calendar",
  `/runs/${backfill.run}`,
  `/backfills/${backfill.id}`,
  "/jobs/test.logical_time/backfill",
];

/** Waits until the page has shown its data (no loading state left) and settled. */
async function settled(page: Page) {
  await page.locator("main h1").waitFor();
  await expect
    .poll(() => page.locator("[data-state=loading], [aria-busy=true]").count(), { timeout: 10_000 })
    .toBe(0);
  await page.waitForTimeout(300);
}

/**
 * The text a user reads as the page's own words: text nodes outside data values (ids, job names in
 * code style, error messages from the jobs, JSON), language names in their own language (lang=…).
 */
const uiText = (page: Page) =>
  page.evaluate(() => {
    const skip = "pre, code, .mono, .error-cell, .tag, [data-value], script, style, noscript";
    const out: string[] = [];
    const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
    for (let n = walker.nextNode(); n; n = walker.nextNode()) {
      const el = n.parentElement;
      if (!el || el.closest(skip)) continue;
      // An element in another language on purpose (the language switch's 日本語 / English).
      const tagged = el.closest("[lang]");
      if (tagged && tagged !== document.documentElement) continue;
      const text = n.textContent?.trim();
      if (text) out.push(text);
    }
    return out;
  });

/** The innermost elements reaching past the viewport's right edge. */
const overflowing = (page: Page) =>
  page.evaluate(() =>
    Array.from(document.querySelectorAll("body *"))
      .filter((e) => e.getBoundingClientRect().right > document.documentElement.clientWidth + 0.5)
      .filter(
        (e) =>
          !Array.from(e.children).some(
            (c) => c.getBoundingClientRect().right > document.documentElement.clientWidth + 0.5,
          ),
      )
      .slice(0, 5)
      .map((e) => `${e.tagName.toLowerCase()}.${e.className}`)
      .join(", "),
  );

const KANA = /[\u3040-\u30ff]/;
// Two English words in a row make a phrase of UI text (job names, ids and units have no space).
const ENGLISH_SENTENCE = /\b[A-Za-z]{2,}\s+[a-z]{2,}\b/;

describe("every page", () => {
  it("problem 5: at 390×844 no page scrolls sideways, in either language, and 100 runs of history stay compact", async () => {
    const wide: string[] = [];
    const login0 = await e2e.open({ phone: true });
    try {
      await login0.page.goto("/");
      await login0.page.locator("#login-user").waitFor();
      for (const lang of ["ja", "en"]) {
        await login0.page.goto(`/?lang=${lang}`);
        await login0.page.locator("#login-user").waitFor();
        const w = await login0.page.evaluate(() => document.documentElement.scrollWidth);
        if (w > 390) wide.push(`login (${lang}): ${w}px`);
      }
    } finally {
      await login0.context.close();
    }
    const { page, context } = await e2e.open({ as: "admin", phone: true });
    try {
      for (const lang of ["ja", "en"]) {
        for (const path of pages()) {
          await page.goto(`${path}${path.includes("?") ? "&" : "?"}lang=${lang}`);
          await settled(page);
          const w = await page.evaluate(() => document.documentElement.scrollWidth);
          // Say which elements stick out, so a failure names its cause.
          if (w > 390) wide.push(`${path} (${lang}): ${w}px ${await overflowing(page)}`);
        }
      }
      expect(wide).toEqual([]);
      await page.goto("/history?lang=ja");
      await settled(page);
      expect(await page.locator("[data-testid=run-row]").count()).toBe(100);
      // 100 runs on a phone: a line or two each, not a card of every field (~27,000 px before).
      const height = await page.evaluate(() => document.documentElement.scrollHeight);
      expect(height).toBeLessThan(12_000);
    } finally {
      await context.close();
    }
  }, 180_000);

  it("axe-core finds 0 violations on every page, in Japanese and in English, at desktop and phone width", async () => {
    const found: string[] = [];
    const check = async (page: Page, label: string) => {
      for (const v of await axeViolations(page)) found.push(`${label}: ${v}`);
    };
    for (const phone of [false, true]) {
      const anon = await e2e.open({ phone });
      try {
        for (const lang of ["ja", "en"]) {
          await anon.page.goto(`/?lang=${lang}`);
          await anon.page.locator("#login-user").waitFor();
          await check(anon.page, `login ${lang}${phone ? " phone" : ""}`);
        }
      } finally {
        await anon.context.close();
      }
      const { page, context } = await e2e.open({ as: "admin", phone });
      try {
        for (const lang of ["ja", "en"]) {
          for (const path of pages()) {
            await page.goto(`${path}?lang=${lang}`);
            await settled(page);
            await check(page, `${path} ${lang}${phone ? " phone" : ""}`);
          }
        }
      } finally {
        await context.close();
      }
    }
    expect(found).toEqual([]);
    // 48 page loads with axe each (the calendar made it 12 pages): past 90 s on a busy machine.
  }, 180_000);

  it("in English no Japanese kana, in Japanese no English UI sentence, on every page (data values aside)", async () => {
    const found: string[] = [];
    const { page, context } = await e2e.open();
    const look = async (label: string, lang: "ja" | "en") => {
      const texts = await uiText(page);
      // Not a pass for want of text: every page says something in its language.
      expect(texts.length, label).toBeGreaterThan(5);
      for (const text of texts) {
        if (lang === "en" ? KANA.test(text) : ENGLISH_SENTENCE.test(text)) found.push(`${label}: ${text}`);
      }
    };
    try {
      for (const lang of ["en", "ja"] as const) {
        await page.goto(`/?lang=${lang}`);
        await page.locator("#login-user").waitFor();
        await look(`login ${lang}`, lang);
        await login(page, "admin", `/?lang=${lang}`);
        for (const path of pages()) {
          await page.goto(`${path}?lang=${lang}`);
          await settled(page);
          await look(`${path} ${lang}`, lang);
        }
        await page.locator("header .user button").click();
      }
    } finally {
      await context.close();
    }
    expect(found).toEqual([]);
  });
});

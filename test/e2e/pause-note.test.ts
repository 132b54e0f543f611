import type { Page } from "playwright-core";
import { describe, expect, it } from "vitest";
import { axeViolations, realErrors, useE2eStack } from "./e2e-helpers.ts";

const e2e = useE2eStack();

const JOB = "recap.pipeline";
const REASON = "source API maintenance ／ 取得元の保守";

const WORDS = {
  ja: { by: "e2e-pauser@example.test が一時停止", why: "理由", until: "再開予定" },
  en: { by: "paused by e2e-pauser@example.test", why: "reason", until: "resumes" },
} as const;

describe("pause notes on the pages", () => {
  it("banner, job card and schedules list show who / why / until, in ja and en at 390 px", async () => {
    const token = await e2e.h.token(["admin"], "e2e-pauser");
    const as = (method: string, path: string, body: unknown) => e2e.h.call(method, path, { token, body });
    const until = new Date(Date.now() + 2 * 3600_000).toISOString();
    const s = await as("POST", "/v1/schedules", {
      name: "pause-note-e2e",
      job_name: "listed_companies.sync",
      schedule_expression: "cron(0 9 * * ? *)",
      timezone: "Asia/Tokyo",
    });
    expect(s.status).toBe(201);
    expect((await as("PUT", "/v1/scheduler/paused", { paused: true, reason: REASON, until })).status).toBe(
      200,
    );
    expect(
      (await as("PUT", `/v1/jobs/${JOB}/enabled`, { enabled: false, reason: REASON, until })).status,
    ).toBe(200);
    expect(
      (await as("POST", "/v1/schedules/pause", { ids: [s.body.id], reason: REASON, until })).status,
    ).toBe(200);
    const { page, context, errors } = await e2e.open({ as: "admin", phone: true });
    try {
      for (const lang of ["ja", "en"] as const) {
        const w = WORDS[lang];
        const checkNote = async (note: ReturnType<Page["locator"]>) => {
          await note.waitFor({ timeout: 10_000 });
          const text = (await note.textContent()) ?? "";
          expect(text).toContain(w.by);
          expect(text).toContain(w.why);
          expect(text).toContain(REASON);
          expect(text).toContain(w.until);
          // until: absolute in the display zone (its label) and relative beside it
          const time = note.locator(".pause-until time");
          expect(Date.parse((await time.getAttribute("datetime")) ?? "")).toBe(Date.parse(until));
          expect(await time.textContent()).toMatch(/\d{1,2}:\d{2}.*\(.*\d.*\)/);
          // nothing of the note leaves a 390 px screen
          const box = await note.boundingBox();
          expect(box && box.x + box.width).toBeLessThanOrEqual(390);
        };
        await page.goto(`/jobs?lang=${lang}`);
        await checkNote(page.locator("[data-testid=paused-banner] [data-testid=pause-note]"));
        await checkNote(
          page.locator(`[data-testid=job-card][data-job="${JOB}"] .pause-line [data-testid=pause-note]`),
        );
        await page.screenshot({ path: `/tmp/i16-5-jobs-${lang}.png`, fullPage: false });
        expect(await axeViolations(page)).toEqual([]);

        await page.goto(`/schedules?lang=${lang}`);
        const row = page.locator('[data-testid=schedule-row][data-schedule="pause-note-e2e"]');
        await checkNote(row.locator("[data-testid=pause-note]"));
        await row.scrollIntoViewIfNeeded();
        await page.screenshot({ path: `/tmp/i16-5-schedules-${lang}.png`, fullPage: false });
        expect(await axeViolations(page)).toEqual([]);
      }
      expect(realErrors(errors)).toEqual([]);
    } finally {
      await context.close();
      await as("PUT", "/v1/scheduler/paused", { paused: false });
      await as("PUT", `/v1/jobs/${JOB}/enabled`, { enabled: true });
      await as("POST", "/v1/schedules/resume", { ids: [s.body.id] });
    }
  });

  it("turning a job off from its card asks the reason and an end, and the card then shows them", async () => {
    const { page, context, errors } = await e2e.open({ as: "admin", phone: true, user: "e2e-pauser" });
    try {
      await page.goto("/jobs?lang=en");
      const card = page.locator(`[data-testid=job-card][data-job="${JOB}"]`);
      await card.getByRole("switch").click();
      const dialog = page.locator("dialog[open]");
      const confirm = dialog.getByRole("button", { name: "Pause", exact: true });
      expect(await confirm.isDisabled()).toBe(true);
      await dialog.locator("#pause-reason").fill("paused from the card");
      await dialog.locator("#pause-until").selectOption("4");
      await confirm.click();
      const note = card.locator("[data-testid=pause-note]");
      await expect.poll(() => note.textContent(), { timeout: 10_000 }).toContain("paused from the card");
      expect(await note.textContent()).toContain("paused by e2e-pauser");
      const job = (await e2e.h.admin("GET", `/v1/jobs/${JOB}`)).body;
      expect(job).toMatchObject({ enabled: false, pause: { reason: "paused from the card" } });
      const hours = (Date.parse(job.pause.until) - Date.now()) / 3600_000;
      expect(hours).toBeGreaterThan(3.9);
      expect(hours).toBeLessThan(4.01);
      expect(realErrors(errors)).toEqual([]);
    } finally {
      await context.close();
      await e2e.h.admin("PUT", `/v1/jobs/${JOB}/enabled`, { enabled: true });
    }
  });
});

// Jobs and schedules pages in real Chromium: change a daily schedule's time from its job card,
// and a schedule form that refuses invalid params before sending anything.
import type { Request } from "playwright-core";
import { describe, expect, it } from "vitest";
import type { ScheduleView } from "#domain/schedules/schedule-service.ts";
import { aSchedule } from "#test/helpers/builders.ts";
import { isFinished } from "#test/helpers/harness.ts";

const SHOTS = process.env.JOBDECK_SHOTS_DIR ?? "/tmp";

import { login, realErrors, useE2eStack } from "./e2e-helpers.ts";

const e2e = useE2eStack();

const hhmm = (d: Date) =>
  new Intl.DateTimeFormat("ja-JP", {
    timeZone: "Asia/Tokyo",
    hour: "2-digit",
    minute: "2-digit",
    hourCycle: "h23",
  }).format(d);

describe("jobs page", () => {
  it("changing a daily schedule's time on the card changes the card's next run and the schedule's preview", async () => {
    const created = await e2e.h.admin("POST", "/v1/schedules", {
      job_name: "listed_companies.sync",
      schedule_expression: "cron(30 11 * * ? *)",
      timezone: "Asia/Tokyo",
    });
    expect(created.status).toBe(201);
    const schedule = created.body as ScheduleView;
    // A time that is certainly not the current next run: 3 hours and 7 minutes from now (JST).
    const target = hhmm(new Date(Date.now() + (3 * 60 + 7) * 60_000));

    const { page, context, errors } = await e2e.open({ as: "admin", at: "/jobs" });
    try {
      const card = page.locator('[data-testid=job-card][data-job="listed_companies.sync"]');
      const next = card.locator("[data-testid=job-next-run]");
      await expect.poll(() => next.textContent()).toContain("11:30 JST");
      expect(await card.locator("[data-testid=job-schedule]").textContent()).toContain("毎日 11:30 JST");
      await card.getByRole("button", { name: "時刻を変更" }).click();
      const dialog = page.locator("dialog[open]");
      await dialog.locator("#change-time").fill(target);
      // The dialog previews the new fire times before saving.
      await expect.poll(() => dialog.locator(".preview li").first().textContent()).toContain(`${target} JST`);
      await dialog.getByRole("button", { name: "保存" }).click();
      await expect.poll(() => next.textContent(), { timeout: 10_000 }).toContain(`${target} JST`);
      expect(await card.locator("[data-testid=job-schedule]").textContent()).toContain(`毎日 ${target} JST`);

      const stored = (await e2e.h.admin("GET", `/v1/schedules/${schedule.id}`)).body as ScheduleView;
      const [hh, mm] = target.split(":").map(Number);
      expect(stored.schedule_expression).toBe(`cron(${mm} ${hh} * * ? *)`);

      // The schedule's own page previews the next five fires at the new time.
      await page.goto(`/schedules/${schedule.id}`);
      const times = page.locator("[data-testid=preview-times] li");
      await expect.poll(() => times.count(), { timeout: 10_000 }).toBe(5);
      for (const text of await times.allTextContents()) expect(text).toContain(`${target} JST`);
      expect(await page.locator("[data-testid=preview-description]").textContent()).toBe(
        `毎日 ${target} JST`,
      );
      expect(realErrors(errors)).toEqual([]);
    } finally {
      await context.close();
      await e2e.h.admin("DELETE", `/v1/schedules/${schedule.id}`);
    }
  });
});

describe("schedule form", () => {
  it("invalid params show the field's message and nothing is sent until they are fixed", async () => {
    const { page, context, errors } = await e2e.open();
    const writes: Request[] = [];
    page.on("request", (r) => {
      if (r.method() === "POST" && new URL(r.url()).pathname === "/v1/schedules") writes.push(r);
    });
    try {
      await login(page, "admin", "/schedules/new");
      await page.locator("#s-job").selectOption("recap.pipeline");
      await page.locator("#s-expr").fill("cron(15 6 * * ? *)");
      await expect
        .poll(() => page.locator("[data-testid=preview-description]").textContent())
        .toBe("毎日 06:15 JST");
      await page.locator("#s-param-max_per_genre").fill("99");
      await page.locator("#s-param-stage_delay_ms").fill("abc");
      await page.getByRole("button", { name: "保存" }).click();
      const perGenre = page.locator("#s-param-max_per_genre-error");
      await perGenre.waitFor();
      expect(await perGenre.textContent()).toBe("20 以下にしてください");
      expect(await page.locator("#s-param-stage_delay_ms-error").textContent()).toBe(
        "数値を入力してください",
      );
      expect(await page.locator("#s-param-max_per_genre").getAttribute("aria-invalid")).toBe("true");
      // An invalid expression is refused too, with the API's explanation from the preview.
      await page.locator("#s-expr").fill("cron(15 6 * * *)");
      await expect.poll(() => page.locator("#s-preview [role=alert]").textContent()).toContain("6 項目");
      await page.getByRole("button", { name: "保存" }).click();
      await page.locator("#s-expr-error").waitFor();
      expect(writes).toHaveLength(0);

      // Fixed: one POST, with exactly the valid values, and back to the list.
      await page.locator("#s-expr").fill("cron(15 6 * * ? *)");
      await page.locator("#s-param-max_per_genre").fill("7");
      await page.locator("#s-param-stage_delay_ms").fill("");
      await expect.poll(() => page.locator("[data-testid=preview-description]").count()).toBe(1);
      await page.getByRole("button", { name: "保存" }).click();
      await page.waitForURL("**/schedules");
      expect(writes).toHaveLength(1);
      const sent = writes[0]?.postDataJSON() as Record<string, unknown>;
      expect(sent).toMatchObject({
        job_name: "recap.pipeline",
        schedule_expression: "cron(15 6 * * ? *)",
        params: { max_per_genre: 7 },
      });
      const row = page.locator('[data-testid=schedule-row][data-schedule="recap_pipeline_7_daily_0615"]');
      await row.waitFor();
      expect(await row.textContent()).toContain("毎日 06:15 JST");
      expect(realErrors(errors)).toEqual([]);
    } finally {
      await context.close();
    }
  });
});

describe("editing a schedule on its page", () => {
  // PUT replaces the whole schedule: whatever the form does not show must go back as it was loaded.
  it.each([
    ["cron(10 8 ? * MON-FRI *)", { start_date: "2031-01-05T00:00:00+09:00" }],
    ["rate(2 hours)", {}],
  ])(
    "%s: saving an edit keeps the fields the form does not show (window, phase, tags, params)",
    async (expression, extra) => {
      const created = await e2e.h.admin("POST", "/v1/schedules", {
        job_name: "recap.pipeline",
        schedule_expression: expression,
        timezone: "Asia/Tokyo",
        end_date: "2032-03-31T23:00:00+09:00",
        tags: ["kept"],
        category: "pipeline",
        params: { max_per_genre: 3 },
        ...extra,
      });
      expect(created.status, JSON.stringify(created.body)).toBe(201);
      const before = created.body as ScheduleView;
      const { page, context, errors } = await e2e.open({ as: "admin", at: `/schedules/${before.id}` });
      try {
        await page.locator("#s-desc").fill("edited on the page");
        await expect.poll(() => page.locator("[data-testid=preview-description]").count()).toBe(1);
        await page.getByRole("button", { name: "保存" }).click();
        await page.waitForURL("**/schedules");
        const after = (await e2e.h.admin("GET", `/v1/schedules/${before.id}`)).body as ScheduleView;
        expect(after.description).toBe("edited on the page");
        for (const field of [
          "start_date",
          "end_date",
          "tags",
          "category",
          "params",
          "schedule_expression",
        ] as const)
          expect(after[field], field).toEqual(before[field]);
        expect(after.next_fire_times).toEqual(before.next_fire_times);
        expect(realErrors(errors)).toEqual([]);
      } finally {
        await context.close();
      }
    },
  );
});

describe("a schedule that can no longer be evaluated", () => {
  it("is flagged on the schedules list and on its job card (both languages), and the rest of the page works", async () => {
    const now = new Date().toISOString();
    const id = `sbad${Date.now().toString(36)}`;
    // Written straight to the store, as an older version or a hand edit in DynamoDB would.
    await e2e.h.stack.deps.schedules.create(
      aSchedule({
        id,
        name: "hand-edited",
        job_name: "listed_companies.sync",
        schedule_expression: "rate(9999999999 days)",
        created_at: now,
        updated_at: now,
        created_by: "older-version",
        updated_by: "older-version",
      }),
    );
    const good = await e2e.h.admin("POST", "/v1/schedules", {
      name: "still-fine",
      job_name: "listed_companies.sync",
      schedule_expression: "cron(30 2 * * ? *)",
    });
    expect(good.status).toBe(201);
    const { page, context, errors } = await e2e.open({ as: "admin", at: "/schedules" });
    try {
      const row = page.locator("[data-testid=schedule-row][data-schedule=hand-edited]");
      await row.locator("[data-testid=expression-error]").waitFor();
      expect(await row.locator("[data-testid=expression-error]").textContent()).toContain("評価できない式");
      // The good schedule beside it still shows its next fire.
      const fine = page.locator("[data-testid=schedule-row][data-schedule=still-fine]");
      expect(await fine.locator("time").count()).toBe(1);
      await page.screenshot({ path: `${SHOTS}/schedules-expression-error-ja.png`, fullPage: true });
      await page.goto("/jobs");
      const item = page.locator("[data-testid=job-schedule][data-schedule=hand-edited]");
      await item.waitFor();
      expect(await item.textContent()).toContain("評価できない式");
      await page.locator("header.topbar label.lang select").selectOption("en");
      await expect.poll(() => item.textContent()).toContain("Expression cannot be evaluated");
      await page.setViewportSize({ width: 390, height: 844 });
      await page.goto("/schedules");
      await page.locator("[data-testid=expression-error]").waitFor();
      await page.screenshot({ path: `${SHOTS}/schedules-expression-error-en-phone.png`, fullPage: true });
      expect(realErrors(errors)).toEqual([]);
    } finally {
      await context.close();
      await e2e.h.admin("DELETE", `/v1/schedules/${id}`);
      await e2e.h.admin("DELETE", `/v1/schedules/${good.body.id}`);
    }
  });
});

describe("live progress", () => {
  it("Run now on a job card shows the run's progress on the card, then a toast with counts and duration", async () => {
    const { page, context, errors } = await e2e.open({ as: "admin", at: "/jobs" });
    try {
      const card = page.locator('[data-testid=job-card][data-job="test.slow"]');
      await card.getByRole("button", { name: "今すぐ実行" }).click();
      const active = card.locator("[data-testid=job-active-run]");
      await active.waitFor({ timeout: 10_000 });
      const bar = active.getByRole("progressbar");
      await expect.poll(() => bar.getAttribute("aria-valuenow"), { timeout: 10_000 }).not.toBeNull();
      expect(Number(await bar.getAttribute("aria-valuemax"))).toBe(60); // 3000 ms in 50 ms ticks
      expect(await active.locator(".progress-message").textContent()).toMatch(/tick \d+/);
      const toast = page.locator(".toast-success", { hasText: "test.slow が成功しました" });
      await toast.waitFor({ timeout: 20_000 });
      expect(await toast.textContent()).toMatch(/取得 60 \/ 登録 0 \/ スキップ 0 · \d+(\.\d)? 秒/);
      await expect.poll(() => active.count()).toBe(0);
      // The card keeps the last run's counts (the seed's 同期件数).
      await expect
        .poll(() => card.locator("[data-testid=job-last-counts]").textContent())
        .toBe("取得 60 / 登録 0 / スキップ 0");
      expect(realErrors(errors)).toEqual([]);
    } finally {
      await context.close();
    }
  });

  it("the dashboard shows an active recap.pipeline with its 8-stage bar, then lists it among recent runs", async () => {
    const started = await e2e.h.admin("POST", "/v1/trigger", {
      job_name: "recap.pipeline",
      options: { stage_delay_ms: 700 },
    });
    expect(started.status).toBe(202);
    const id = started.body.execution_uuid as string;
    const { page, context, errors } = await e2e.open({ as: "admin", at: "/" });
    try {
      const card = page.locator('[data-testid=active-run][data-job="recap.pipeline"]');
      await card.waitFor({ timeout: 10_000 });
      const stages = card.locator("ol.stages > li");
      expect(await stages.count()).toBe(8);
      await expect.poll(() => card.locator('li[aria-current="step"]').count(), { timeout: 10_000 }).toBe(1);
      const first = await card.locator('li[aria-current="step"] .stage-name').textContent();
      await expect
        .poll(
          () =>
            card
              .locator('li[aria-current="step"] .stage-name')
              .textContent()
              .catch(() => first),
          {
            timeout: 15_000,
          },
        )
        .not.toBe(first);
      await expect.poll(() => card.count(), { timeout: 30_000 }).toBe(0);
      const recent = page.locator(".recent li", { has: page.locator(`a[href="/runs/${id}"]`) });
      await recent.waitFor();
      expect(await recent.textContent()).toContain("成功");
      await expect
        // the runs KPI by its words (issue 16 added cost and anomaly KPIs beside it)
        .poll(
          () =>
            page
              .locator("[data-testid=kpis] .kpi", { hasText: "実行数" })
              .locator(".kpi-value")
              .textContent(),
          {
            timeout: 20_000,
          },
        )
        .not.toBe("0");
      expect(realErrors(errors)).toEqual([]);
    } finally {
      await context.close();
    }
  });
});

describe("run detail", () => {
  it("Cancel (after confirming) stops a running run; Rerun starts a new run with the same params", async () => {
    const started = await e2e.h.admin("POST", "/v1/trigger", {
      job_name: "test.slow",
      options: { ms: 30_000 },
    });
    const id = started.body.execution_uuid as string;
    const { page, context, errors } = await e2e.open({ as: "admin", at: `/runs/${id}` });
    try {
      const run = page.locator("[data-testid=run-page]");
      await expect.poll(() => run.getAttribute("data-status")).toBe("RUNNING");
      expect(await page.getByRole("button", { name: /再実行/ }).isDisabled()).toBe(true);
      await page.getByRole("button", { name: /実行をキャンセル/ }).click();
      const dialog = page.locator("dialog[open]");
      expect(await dialog.textContent()).toContain("test.slow の実行をキャンセルします");
      await dialog.getByRole("button", { name: "キャンセルする" }).click();
      await expect.poll(() => run.getAttribute("data-status"), { timeout: 10_000 }).toBe("CANCELLED");
      expect((await e2e.h.admin("GET", `/v1/runs/${id}`)).body.status).toBe("CANCELLED");

      await page.getByRole("button", { name: /再実行/ }).click();
      await page.waitForURL((u) => /\/runs\/[0-9a-f-]{36}$/.test(u.pathname) && !u.pathname.endsWith(id));
      const newId = new URL(page.url()).pathname.split("/").at(-1) ?? "";
      const again = (await e2e.h.admin("GET", `/v1/runs/${newId}`)).body;
      expect(again).toMatchObject({ job_name: "test.slow", trigger_source: "rerun", params: { ms: 30_000 } });
      await expect.poll(() => page.locator(".run-title").textContent()).toContain(newId);
      await e2e.h.admin("POST", `/v1/runs/${newId}/cancel`, {});
      await e2e.h.waitForRun(newId, isFinished);
      expect(realErrors(errors)).toEqual([]);
    } finally {
      await context.close();
    }
  });
});

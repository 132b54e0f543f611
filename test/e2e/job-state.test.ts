// Issue 14, problems 1 and 2: a job's state (enabled, scheduler paused) is visible wherever the job
// or its schedules are, and whatever cannot run says why.
import { describe, expect, it } from "vitest";
import type { ScheduleView } from "#domain/schedules/schedule-service.ts";
import { isFinished } from "#test/helpers/harness.ts";
import { realErrors, useE2eStack } from "./e2e-helpers.ts";

const e2e = useE2eStack();

const JOB = "recap.pipeline";
const newSchedule = async (expression: string) => {
  const r = await e2e.h.admin("POST", "/v1/schedules", {
    job_name: JOB,
    schedule_expression: expression,
    timezone: "Asia/Tokyo",
  });
  expect(r.status).toBe(201);
  return r.body as ScheduleView;
};
const TIME = /\d{1,2}:\d{2}/;

describe("job state", () => {
  it("problem 1: a disabled job's Run-now says it is disabled, not already running, and its schedules say ジョブ無効", async () => {
    const schedule = await newSchedule("cron(40 7 * * ? *)");
    const ran = await e2e.h.admin("POST", "/v1/trigger", { job_name: JOB, options: { stage_delay_ms: 0 } });
    expect(ran.status).toBe(202);
    await e2e.h.waitForRun(ran.body.execution_uuid, isFinished);
    expect(
      (await e2e.h.admin("PUT", `/v1/jobs/${JOB}/enabled`, { enabled: false, reason: "test" })).status,
    ).toBe(200);
    const { page, context, errors } = await e2e.open({ as: "admin", at: "/history" });
    try {
      // The history page's Run-now dialog marks the job as disabled before anything is sent.
      await page.getByRole("button", { name: "今すぐ実行" }).click();
      const dialog = page.locator("dialog[open]");
      await dialog.locator("#trigger-job").selectOption(JOB);
      const reason = dialog.locator("[data-testid=trigger-job-disabled]");
      await reason.waitFor({ timeout: 5000 });
      expect(await reason.textContent()).toContain("無効");
      expect(await dialog.locator("button[type=submit]").isDisabled()).toBe(true);
      expect(await dialog.textContent()).not.toContain("すでに実行中");
      await dialog.getByRole("button", { name: "キャンセル" }).click();

      // /schedules: the schedule of the disabled job is not presented as going to fire.
      await page.goto("/schedules");
      const row = page.locator(`[data-testid=schedule-row][data-schedule="${schedule.name}"]`);
      await row.waitFor();
      const next = row.locator("[data-testid=schedule-next]");
      await expect.poll(() => next.textContent(), { timeout: 10_000 }).toContain("ジョブ無効");
      expect(await next.textContent()).not.toMatch(TIME);

      // The jobs page says why there is no next run.
      await page.goto("/jobs");
      const card = page.locator(`[data-testid=job-card][data-job="${JOB}"]`);
      await expect
        .poll(() => card.locator("[data-testid=job-next-run]").textContent(), { timeout: 10_000 })
        .toContain("ジョブ無効");

      // A finished run of the disabled job does not offer Rerun, and says why.
      await page.goto(`/runs/${ran.body.execution_uuid}`);
      const blocked = page.locator("[data-testid=rerun-blocked]");
      await blocked.waitFor({ timeout: 10_000 });
      expect(await blocked.textContent()).toContain("無効");
      expect(await page.getByRole("button", { name: "↻ 同じパラメータで再実行" }).isDisabled()).toBe(true);
      // …and its next run says why there is none, not the time the run recorded.
      await expect
        .poll(() => page.locator("[data-testid=run-next]").textContent(), { timeout: 10_000 })
        .toContain("ジョブ無効");

      // Its schedule's form says the schedule will not run while the job is disabled.
      await page.goto(`/schedules/${schedule.id}`);
      await expect
        .poll(() => page.locator("#s-job-hint").textContent(), { timeout: 10_000 })
        .toContain("ジョブを有効にするまで");

      // In English the same states are in English.
      await page.goto("/schedules?lang=en");
      await expect
        .poll(() => row.locator("[data-testid=schedule-next]").textContent(), { timeout: 10_000 })
        .toContain("Job disabled");
      expect(realErrors(errors)).toEqual([]);
    } finally {
      await context.close();
      await e2e.h.admin("PUT", `/v1/jobs/${JOB}/enabled`, { enabled: true });
      await e2e.h.admin("DELETE", `/v1/schedules/${schedule.id}`);
    }
  });

  it("problem 2: pausing all schedules asks first, and every page then shows the pause, with a reason instead of next fires", async () => {
    const schedule = await newSchedule("cron(20 8 * * ? *)");
    const { page, context, errors } = await e2e.open({ as: "admin", at: "/schedules" });
    const paused = async () =>
      ((await e2e.h.admin("GET", "/v1/scheduler/status")).body as { paused: boolean }).paused;
    try {
      const row = page.locator(`[data-testid=schedule-row][data-schedule="${schedule.name}"]`);
      await row.waitFor();
      await page.locator("#pause-all").click();
      // A confirmation naming the consequence, with a button naming the action.
      const dialog = page.locator("dialog[open]");
      await dialog.waitFor({ timeout: 5000 });
      expect(await dialog.textContent()).toContain("実行されません");
      await dialog.getByRole("button", { name: "キャンセル" }).click();
      expect(await paused()).toBe(false);
      await page.locator("#pause-all").click();
      // issue 16 part 5: a pause says why (the confirm stays disabled until it does)
      await page.locator("dialog[open] #pause-reason").fill("メンテナンス");
      await page.locator("dialog[open]").getByRole("button", { name: "すべて一時停止" }).click();
      await expect.poll(paused, { timeout: 5000 }).toBe(true);

      // Schedule rows stop presenting next fires as upcoming.
      const next = row.locator("[data-testid=schedule-next]");
      await expect.poll(() => next.textContent(), { timeout: 10_000 }).toContain("一時停止中");
      expect(await next.textContent()).not.toMatch(TIME);

      // Every page shows the pause, who did it, and a Resume for admins.
      for (const path of ["/", "/history", "/jobs", "/audit"]) {
        await page.goto(path);
        const banner = page.locator("[data-testid=paused-banner]");
        await banner.waitFor({ timeout: 10_000 });
        expect(await banner.textContent()).toContain("e2e-admin");
      }
      await page.goto("/jobs");
      const card = page.locator(`[data-testid=job-card][data-job="${JOB}"]`);
      await expect
        .poll(() => card.locator("[data-testid=job-next-run]").textContent(), { timeout: 10_000 })
        .toContain("一時停止中");
      await page.locator("[data-testid=paused-banner]").getByRole("button", { name: "再開" }).click();
      await page.locator("dialog[open]").getByRole("button", { name: "スケジュールを再開" }).click();
      await expect.poll(paused, { timeout: 5000 }).toBe(false);
      await expect.poll(() => page.locator("[data-testid=paused-banner]").count()).toBe(0);
      expect(realErrors(errors)).toEqual([]);
    } finally {
      await context.close();
      await e2e.h.admin("PUT", "/v1/scheduler/paused", { paused: false });
      await e2e.h.admin("DELETE", `/v1/schedules/${schedule.id}`);
    }
  });
});

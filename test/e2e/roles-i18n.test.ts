// Who may do what, both languages on every page, phone width and the keyboard, in real Chromium.
import type { Page } from "playwright-core";
import { beforeAll, describe, expect, it } from "vitest";
import type { ScheduleView } from "#domain/schedules/schedule-service.ts";
import { isFinished } from "#test/helpers/harness.ts";
import { realErrors, useE2eStack } from "./e2e-helpers.ts";

let finishedRun: string;
let schedule: ScheduleView;

const e2e = useE2eStack();

beforeAll(async () => {
  const r = await e2e.h.admin("POST", "/v1/trigger", { job_name: "test.slow", options: { ms: 100 } });
  finishedRun = r.body.execution_uuid;
  await e2e.h.waitForRun(finishedRun, isFinished);
  schedule = (
    await e2e.h.admin("POST", "/v1/schedules", {
      job_name: "listed_companies.sync",
      schedule_expression: "cron(30 11 * * ? *)",
      tags: ["daily"],
    })
  ).body as ScheduleView;
});

const settle = (page: Page) => page.waitForLoadState("networkidle", { timeout: 10_000 }).catch(() => {});

describe("viewer", () => {
  it("sees every page with the write buttons disabled, and the API refuses the writes anyway", async () => {
    const running = (
      await e2e.h.admin("POST", "/v1/trigger", { job_name: "test.slow", options: { ms: 30_000 } })
    ).body.execution_uuid as string;
    const { page, context, errors } = await e2e.open({ as: "viewer", at: "/history" });
    try {
      expect(await page.locator(".viewer-note").textContent()).toContain("閲覧者");
      // The audit log is for admins: no link for a viewer (and the API answers 403).
      expect(await page.locator("header nav").getByText("監査ログ").count()).toBe(0);
      const runNow = page.getByRole("button", { name: "今すぐ実行" });
      await runNow.waitFor();
      expect(await runNow.isDisabled()).toBe(true);

      await page.goto("/jobs");
      const card = page.locator('[data-testid=job-card][data-job="listed_companies.sync"]');
      await card.waitFor();
      for (const name of ["今すぐ実行", "パラメータを指定して実行", "時刻を変更"])
        expect(await card.getByRole("button", { name }).isDisabled(), name).toBe(true);
      expect(await card.getByRole("switch").isDisabled()).toBe(true);

      await page.goto("/schedules");
      const row = page.locator(`[data-testid=schedule-row][data-schedule="${schedule.name}"]`);
      await row.waitFor();
      expect(await row.getByRole("button", { name: "削除" }).isDisabled()).toBe(true);
      expect(await row.getByRole("switch").isDisabled()).toBe(true);
      expect(await page.locator("#pause-all").isDisabled()).toBe(true);
      expect(await page.getByRole("link", { name: /スケジュールを作成/ }).getAttribute("aria-disabled")).toBe(
        "true",
      );

      await page.goto(`/schedules/${schedule.id}`);
      await page.locator("#s-expr").waitFor();
      expect(await page.locator("#s-expr").isDisabled()).toBe(true);
      expect(await page.getByRole("button", { name: "保存" }).isDisabled()).toBe(true);

      await page.goto(`/runs/${running}`);
      await expect
        .poll(() => page.locator("[data-testid=run-page]").getAttribute("data-status"))
        .toBe("RUNNING");
      expect(await page.getByRole("button", { name: /実行をキャンセル/ }).isDisabled()).toBe(true);
      await page.goto(`/runs/${finishedRun}`);
      await page.locator("[data-testid=run-page]").waitFor();
      expect(await page.getByRole("button", { name: /再実行/ }).isDisabled()).toBe(true);

      // The buttons are only a courtesy: the API refuses the viewer's token itself.
      const answers = await page.evaluate(
        async ({ running, scheduleId }) => {
          const token = (JSON.parse(sessionStorage.getItem("jobdeck.session") ?? "{}") as { token: string })
            .token;
          const call = async (method: string, path: string, body: unknown) =>
            (
              await fetch(path, {
                method,
                headers: { authorization: `Bearer ${token}`, "content-type": "application/json" },
                body: JSON.stringify(body),
              })
            ).status;
          return [
            await call("POST", "/v1/trigger", { job_name: "test.slow", options: {} }),
            await call("POST", `/v1/runs/${running}/cancel`, {}),
            await call("PATCH", `/v1/schedules/${scheduleId}`, { enabled: false }),
            await call("PUT", "/v1/scheduler/paused", { paused: true, reason: "test" }),
            await call("PUT", "/v1/jobs/listed_companies.sync/enabled", { enabled: false, reason: "test" }),
          ];
        },
        { running, scheduleId: schedule.id },
      );
      expect(answers).toEqual([403, 403, 403, 403, 403]);
      expect((await e2e.h.admin("GET", `/v1/runs/${running}`)).body.status).toBe("RUNNING");
      expect((await e2e.h.admin("GET", `/v1/schedules/${schedule.id}`)).body.enabled).toBe(true);
      expect(realErrors(errors)).toEqual([]);
    } finally {
      await context.close();
      await e2e.h.admin("POST", `/v1/runs/${running}/cancel`, {});
      await e2e.h.waitForRun(running, isFinished);
    }
  });
});

const PAGES = () => [
  { path: "/", ja: "ダッシュボード", en: "Dashboard" },
  { path: "/history", ja: "データ収集履歴", en: "Run history" },
  { path: "/jobs", ja: "ジョブ", en: "Jobs" },
  { path: "/schedules", ja: "スケジュール", en: "Schedules" },
  { path: "/schedules/new", ja: "スケジュールを作成", en: "New schedule" },
  { path: `/schedules/${schedule.id}`, ja: "スケジュールを編集", en: "Edit schedule" },
  { path: `/runs/${finishedRun}`, ja: "実行の詳細", en: "Run" },
  { path: "/audit", ja: "監査ログ", en: "Audit log" },
];

/** Text a missing or broken string would leave behind. */
const BROKEN = /\[\[|undefined|NaN|Invalid Date|\{\w+\}/;

describe("languages", () => {
  for (const lang of ["ja", "en"] as const) {
    it(`every page renders in ${lang} without missing strings`, async () => {
      const { page, context, errors } = await e2e.open();
      try {
        await page.goto("/");
        await page.locator(".login-top select").selectOption(lang);
        const loginText = await page.locator("body").innerText();
        expect(loginText).not.toMatch(BROKEN);
        expect(loginText).toContain(lang === "ja" ? "ユーザー名" : "User name");
        await page.locator("form button[type=submit]").click();
        await page.locator("header.topbar nav").waitFor();
        expect(await page.locator("html").getAttribute("lang")).toBe(lang);
        for (const p of PAGES()) {
          await page.goto(p.path);
          await expect.poll(() => page.locator("main h1").textContent()).toBe(p[lang]);
          await settle(page);
          const text = await page.locator("body").innerText();
          expect(text, p.path).not.toMatch(BROKEN);
          // The chrome is in the chosen language (job descriptions are data, in both).
          expect(text).toContain(lang === "ja" ? "実行履歴" : "Run history");
          if (lang === "en") expect(text).not.toMatch(/ダッシュボード|スケジュールを作成|今すぐ実行/);
        }
        // Dialogs too.
        await page.goto("/history");
        await page.getByRole("button", { name: lang === "ja" ? /今すぐ実行/ : /Run now/ }).click();
        const dialog = page.locator("dialog[open]");
        await dialog.waitFor();
        expect(await dialog.innerText()).not.toMatch(BROKEN);
        await page.keyboard.press("Escape");
        expect(realErrors(errors)).toEqual([]);
      } finally {
        await context.close();
      }
    });
  }
});

describe("session", () => {
  it("a token the API no longer accepts brings the login back, and logging in returns to the same page", async () => {
    const { page, context } = await e2e.open({ as: "admin", at: "/schedules?enabled=true" });
    try {
      await page.locator("[data-testid=schedule-row]").first().waitFor();
      // The token goes bad (expired, revoked…): the next poll is a 401.
      await page.evaluate(() => {
        const s = JSON.parse(sessionStorage.getItem("jobdeck.session") ?? "{}");
        s.token = `${s.token}x`;
        sessionStorage.setItem("jobdeck.session", JSON.stringify(s));
      });
      await page.reload();
      await page.locator("#login-user").waitFor({ timeout: 15_000 });
      expect(new URL(page.url()).pathname).toBe("/schedules");
      await page.locator("form button[type=submit]").click();
      await page.locator("[data-testid=schedule-row]").first().waitFor();
      expect(new URL(page.url()).search).toBe("?enabled=true");
    } finally {
      await context.close();
    }
  });
});

describe("audit log", () => {
  it("an admin sees who did what: the setup's schedule creation and run start, with their actor", async () => {
    const { page, context, errors } = await e2e.open({ as: "admin", at: "/" });
    try {
      await page.locator("header nav").getByRole("link", { name: "監査ログ" }).click();
      await page.waitForURL("**/audit");
      const created = page.locator('[data-testid=audit-row][data-action="schedule.create"]');
      await created.waitFor();
      expect(await created.textContent()).toContain("tester@example.test");
      expect(await created.textContent()).toContain(schedule.name);
      await page.locator("select[name=action]").selectOption("run.trigger");
      await expect.poll(() => new URL(page.url()).searchParams.get("action")).toBe("run.trigger");
      await expect
        .poll(() =>
          page
            .locator("[data-testid=audit-row]")
            .evaluateAll((rs) => rs.map((r) => r.getAttribute("data-action"))),
        )
        .toEqual(["run.trigger", "run.trigger"]);
      expect(realErrors(errors)).toEqual([]);
    } finally {
      await context.close();
    }
  });
});

describe("layout and keyboard", () => {
  it("fits a phone's width: no page scrolls sideways (tables scroll in their own box)", async () => {
    const { page, context, errors } = await e2e.open({ as: "admin", phone: true });
    try {
      for (const p of PAGES()) {
        await page.goto(p.path);
        await page.locator("main h1").waitFor();
        await settle(page);
        const [scroll, inner] = await page.evaluate(() => [
          document.documentElement.scrollWidth,
          window.innerWidth,
        ]);
        expect(scroll, `${p.path} is ${scroll}px wide on a ${inner}px screen`).toBeLessThanOrEqual(
          inner ?? 0,
        );
      }
      expect(realErrors(errors)).toEqual([]);
    } finally {
      await context.close();
    }
  });

  it("is keyboard operable: skip link, visible focus, dialogs open with Enter and close with Escape", async () => {
    const { page, context } = await e2e.open({ as: "admin", at: "/jobs" });
    try {
      await page.locator("[data-testid=job-card]").first().waitFor();
      await page.keyboard.press("Tab");
      const skip = page.locator(".skip-link");
      expect(await skip.evaluate((el) => el === document.activeElement)).toBe(true);
      const box = await skip.boundingBox();
      expect(box !== null && box.x >= 0).toBe(true); // on screen when focused
      await page.keyboard.press("Enter");
      expect(await page.evaluate(() => document.activeElement?.id)).toBe("main");

      const change = page.getByRole("button", { name: "時刻を変更" }).first();
      await change.focus();
      const outline = await change.evaluate((el) => getComputedStyle(el).outlineStyle);
      expect(outline).not.toBe("none");
      await page.keyboard.press("Enter");
      const dialog = page.locator("dialog[open]");
      await dialog.waitFor();
      // Focus moved into the dialog.
      expect(await dialog.evaluate((d) => d.contains(document.activeElement))).toBe(true);
      await page.keyboard.press("Escape");
      await expect.poll(() => dialog.count()).toBe(0);
    } finally {
      await context.close();
    }
  });
});

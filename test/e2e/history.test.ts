import { describe, expect, it } from "vitest";
import type { Run } from "#schemas/run.ts";
import { isFinished } from "#test/helpers/harness.ts";
import { login, realErrors, rowIds, seedRuns, useE2eStack } from "./e2e-helpers.ts";

const e2e = useE2eStack();

describe("history page", () => {
  it("admin triggers recap.pipeline from the page; its stage advances and the row turns SUCCESS without a reload", async () => {
    const { page, context, errors } = await e2e.open({ as: "admin", at: "/history" });
    try {
      // A marker that a reload would wipe.
      await page.evaluate(() => {
        (window as unknown as { __noReload: number }).__noReload = 1;
      });
      await page.getByRole("button", { name: "今すぐ実行" }).click();
      const dialog = page.locator("dialog[open]");
      await dialog.locator("#trigger-job").selectOption("recap.pipeline");
      // Slow the stages down a little so that several are seen while the page polls.
      await dialog.locator("#trigger-stage_delay_ms").fill("900");
      await dialog.getByRole("button", { name: "今すぐ実行" }).click();
      await dialog.waitFor({ state: "detached" }).catch(() => {});
      await expect.poll(() => dialog.count()).toBe(0);

      const row = page.locator("[data-testid=run-row]").first();
      await expect.poll(() => row.getAttribute("data-status"), { timeout: 10_000 }).toBe("RUNNING");
      const id = await row.getAttribute("data-uuid");
      const stages = new Set<string>();
      const deadline = Date.now() + 60_000;
      let status = "RUNNING";
      while (Date.now() < deadline) {
        const r = page.locator(`[data-testid=run-row][data-uuid="${id}"]`);
        status = (await r.getAttribute("data-status")) ?? "";
        if (status !== "RUNNING" && status !== "QUEUED") break;
        const stage = await r
          .locator("[data-testid=row-stage]")
          .textContent()
          .catch(() => null);
        if (stage) stages.add(stage.replace(/\s*\(.*\)$/, "").trim());
        await page.waitForTimeout(250);
      }
      expect(status).toBe("SUCCESS");
      expect(stages.size, `stages seen: ${[...stages].join(", ")}`).toBeGreaterThanOrEqual(3);
      // The stages were seen in the pipeline's order (in the page's language: issue 14 part C).
      const order = ["取得", "前処理", "重複除去", "ジャンル分類", "選定", "根拠抽出", "配信", "保存"];
      const seen = [...stages].map((s) => order.indexOf(s));
      expect(seen.every((x) => x >= 0)).toBe(true);
      expect([...seen].sort((a, b) => a - b)).toEqual(seen);
      const row2 = page.locator(`[data-testid=run-row][data-uuid="${id}"]`);
      await expect.poll(() => row2.locator(".badge").textContent()).toContain("成功");
      expect(await page.evaluate(() => (window as unknown as { __noReload?: number }).__noReload)).toBe(1);
      // The API agrees.
      const run = (await e2e.h.admin("GET", `/v1/runs/${id}`)).body as Run;
      expect(run.status).toBe("SUCCESS");
      expect(run.triggered_by).toBe("e2e-admin");
      expect(realErrors(errors)).toEqual([]);
    } finally {
      await context.close();
    }
  });

  it("triggering a job that is already running says so and links to the running run", async () => {
    const started = await e2e.h.admin("POST", "/v1/trigger", {
      job_name: "test.slow",
      options: { ms: 30_000 },
    });
    expect(started.status).toBe(202);
    const running = started.body.execution_uuid as string;
    const { page, context, errors } = await e2e.open({ as: "admin", at: "/history?job=test.slow" });
    try {
      await expect
        .poll(() => page.locator("[data-testid=head-running]").count(), { timeout: 10_000 })
        .toBe(1);
      await page.getByRole("button", { name: "今すぐ実行" }).click();
      const dialog = page.locator("dialog[open]");
      expect(await dialog.locator("#trigger-job").inputValue()).toBe("test.slow");
      await dialog.getByRole("button", { name: "今すぐ実行" }).click();
      const note = dialog.locator("[data-testid=already-running]");
      await note.waitFor();
      expect(await note.textContent()).toContain("test.slow はすでに実行中です");
      const link = note.getByRole("link");
      expect(await link.getAttribute("href")).toBe(`/runs/${running}`);
      await link.click();
      await page.waitForURL(`**/runs/${running}`);
      await expect
        .poll(() => page.locator("[data-testid=run-page]").getAttribute("data-status"))
        .toBe("RUNNING");
      expect(await page.locator(".run-title").textContent()).toContain(running);
      expect(realErrors(errors)).toEqual([]);
      // Only the one run exists for the job: the refused trigger started nothing.
      const list = await e2e.h.admin("GET", "/v1/runs?job_name=test.slow");
      expect(list.body.results.map((r: Run) => r.execution_uuid)).toEqual([running]);
    } finally {
      await context.close();
      await e2e.h.admin("POST", `/v1/runs/${running}/cancel`, {});
      await e2e.h.waitForRun(running, isFinished);
    }
  });

  it("a disabled job was answered 'already running' in the dialog: it now says the job is disabled (ja, en)", async () => {
    expect(
      (await e2e.h.admin("PUT", "/v1/jobs/test.flaky/enabled", { enabled: false, reason: "test" })).status,
    ).toBe(200);
    const { page, context, errors } = await e2e.open();
    try {
      for (const [lang, text] of [
        ["ja", "test.flaky は無効になっているため実行できません"],
        ["en", "test.flaky is disabled"],
      ] as const) {
        await login(page, "admin", "/history?job=test.flaky");
        await page.locator("header.topbar label.lang select").selectOption(lang);
        await page.locator(".page-head button.primary, .page-head .btn").first().waitFor();
        await page
          .getByRole("button", { name: lang === "ja" ? "今すぐ実行" : "Run now" })
          .first()
          .click();
        const dialog = page.locator("dialog[open]");
        // Said before anything is sent (issue 14): the job is marked and cannot be started.
        const reason = dialog.locator("[data-testid=trigger-job-disabled]");
        await reason.waitFor();
        expect(await reason.textContent()).toContain(text);
        expect(
          await dialog.getByRole("button", { name: lang === "ja" ? "今すぐ実行" : "Run now" }).isDisabled(),
        ).toBe(true);
        expect(await dialog.locator("[data-testid=already-running]").count()).toBe(0);
        await page.screenshot({
          path: `${process.env.JOBDECK_SHOTS_DIR ?? "/tmp"}/trigger-disabled-${lang}.png`,
        });
        await page.keyboard.press("Escape");
        await page.evaluate(() => sessionStorage.clear());
      }
      expect(realErrors(errors)).toEqual([]);
    } finally {
      await context.close();
      await e2e.h.admin("PUT", "/v1/jobs/test.flaky/enabled", { enabled: true });
    }
  });

  it("250 runs: pages of 100 walk newest first; a filtered URL opened in a new page shows the same rows", async () => {
    // One minute apart, the newest an hour ago: after the runs of the tests above, inside "30 days".
    const seeded = await seedRuns(e2e.h, 250, new Date(Date.now() - 3600_000));
    const others = ((await e2e.h.admin("GET", "/v1/runs?limit=100")).body.results as Run[])
      .filter((r) => !seeded.some((s) => s.execution_uuid === r.execution_uuid))
      .map((r) => r.execution_uuid);
    const expected = [...others, ...seeded.map((r) => r.execution_uuid)];

    const { page, context, errors } = await e2e.open({ as: "admin", at: "/history?period=30d" });
    try {
      const pages: string[][] = [];
      const firstRows = page.locator("[data-testid=run-row]");
      await expect.poll(() => firstRows.count(), { timeout: 10_000 }).toBe(100);
      pages.push(await rowIds(page));
      const older = page.getByRole("button", { name: /古い実行/ });
      for (let i = 0; i < 2; i++) {
        const before = pages.at(-1)?.[0];
        await older.click();
        await expect.poll(async () => (await rowIds(page))[0] !== before).toBe(true);
        pages.push(await rowIds(page));
      }
      expect(pages.map((p) => p.length)).toEqual([100, 100, expected.length - 200]);
      expect(pages.flat()).toEqual(expected);
      expect(await older.isDisabled()).toBe(true);
      // Newer goes back one page at a time.
      await page.getByRole("button", { name: /新しい実行/ }).click();
      await expect.poll(async () => (await rowIds(page))[0]).toBe(pages[1]?.[0]);
      expect(page.url()).toContain("cursor=");

      // Filter through the controls: the URL carries them.
      await page.locator("select[name=job]").selectOption("listed_companies.sync");
      await page.locator("select[name=status]").selectOption("FAILURE");
      await expect.poll(() => new URL(page.url()).searchParams.get("status")).toBe("FAILURE");
      expect(new URL(page.url()).searchParams.get("job")).toBe("listed_companies.sync");
      expect(new URL(page.url()).searchParams.get("cursor")).toBeNull();
      const want = seeded
        .filter((r) => r.job_name === "listed_companies.sync" && r.status === "FAILURE")
        .map((r) => r.execution_uuid);
      expect(want.length).toBeGreaterThan(5);
      await expect.poll(() => rowIds(page)).toEqual(want);
      const shared = page.url();

      // Someone else opens the shared link in a new page (own session: logs in first).
      const other = await e2e.open({ as: "viewer", at: shared.replace(e2e.h.url, "") });
      try {
        expect(other.page.url()).toBe(shared);
        await expect.poll(() => rowIds(other.page)).toEqual(want);
        expect(await other.page.locator("select[name=job]").inputValue()).toBe("listed_companies.sync");
        expect(realErrors(other.errors)).toEqual([]);
      } finally {
        await other.context.close();
      }
      // Expanding a row shows the full error and the run's JSON, and survives the auto-refresh.
      const first = page.locator("[data-testid=run-row]").first();
      await first.getByRole("button", { name: "詳細を表示" }).click();
      const detail = page.locator(".run-detail-row");
      expect(await detail.textContent()).toContain("upstream answered 503");
      expect(await detail.locator("pre.json").textContent()).toContain(`"execution_uuid": "${want[0]}"`);
      // The list carries only the row's fields; opening the row fetches the whole record.
      await expect.poll(() => detail.locator("pre.json").textContent()).toContain('"concurrency_key"');
      // The page refreshes itself with conditional GETs: unchanged pages come back 304.
      const polls: number[] = [];
      page.on("response", (r) => {
        if (new URL(r.url()).pathname === "/v1/runs") polls.push(r.status());
      });
      await page.waitForTimeout(5600);
      expect(polls.length).toBeGreaterThanOrEqual(1);
      expect(polls.every((s) => s === 304)).toBe(true);
      expect(await page.locator(".run-detail-row").count()).toBe(1);

      // A page that does change (a new run on it) refreshes in place: scroll, expansion and
      // filters stay.
      await page.goto("/history?period=30d");
      await expect.poll(() => page.locator("[data-testid=run-row]").count()).toBe(100);
      await page.locator("[data-testid=run-row]").nth(3).getByRole("button", { name: "詳細を表示" }).click();
      await page.evaluate(() => window.scrollTo(0, 1500));
      const y = await page.evaluate(() => window.scrollY);
      expect(y).toBeGreaterThan(1000);
      const before = (await rowIds(page))[0];
      const fresh = await e2e.h.admin("POST", "/v1/trigger", { job_name: "test.slow", options: { ms: 10 } });
      await expect
        .poll(async () => (await rowIds(page))[0], { timeout: 10_000 })
        .toBe(fresh.body.execution_uuid);
      expect(before).not.toBe(fresh.body.execution_uuid);
      expect(Math.abs((await page.evaluate(() => window.scrollY)) - y)).toBeLessThan(200);
      expect(await page.locator(".run-detail-row").count()).toBe(1);
      expect(new URL(page.url()).searchParams.get("period")).toBe("30d");
      expect(realErrors(errors)).toEqual([]);
    } finally {
      await context.close();
    }
  });
});

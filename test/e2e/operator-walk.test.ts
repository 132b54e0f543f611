// Issue 14: what an operator walk-through of the finished page still found (a second pair of eyes,
// after problems 1–10 were fixed): a cancel shown as an error in history and on the dashboard,
// "1 runs" in English, and a toast whose link was glued to its title.
import { describe, expect, it } from "vitest";
import { isFinished } from "#test/helpers/harness.ts";
import { realErrors, useE2eStack } from "./e2e-helpers.ts";

const e2e = useE2eStack();

const startSlow = async (ms: number) => {
  const r = await e2e.h.admin("POST", "/v1/trigger", { job_name: "test.slow", options: { ms } });
  expect(r.status).toBe(202);
  return r.body.execution_uuid as string;
};

describe("after the walk-through", () => {
  it("a cancelled run is not an error anywhere: history and the dashboard say who cancelled it, outside the red error column", async () => {
    const id = await startSlow(30_000);
    await e2e.h.waitForRun(id, (r) => r.status === "RUNNING");
    expect((await e2e.h.admin("POST", `/v1/runs/${id}/cancel`, {})).status).toBeLessThan(300);
    await e2e.h.waitForRun(id, isFinished);
    const { page, context, errors } = await e2e.open({ as: "admin", at: "/history?job=test.slow" });
    try {
      const row = page.locator(`[data-testid=run-row][data-uuid="${id}"]`);
      await row.waitFor({ timeout: 10_000 });
      expect(await row.locator(".error-cell").count()).toBe(0);
      expect(await row.textContent()).toMatch(/\S+@\S+ がキャンセル/);

      await page.goto("/");
      const recent = page.locator(`ul.recent li:has(a[href="/runs/${id}"])`);
      await recent.waitFor({ timeout: 10_000 });
      expect(await recent.locator(".error-cell").count()).toBe(0);
      expect(await recent.textContent()).toMatch(/\S+@\S+ がキャンセル/);
      expect(await recent.textContent()).not.toContain("cancelled by");
      expect(realErrors(errors)).toEqual([]);
    } finally {
      await context.close();
    }
  });

  it("English counts say '1 run', not '1 runs'", async () => {
    const id = await startSlow(10);
    await e2e.h.waitForRun(id, isFinished);
    const { page, context } = await e2e.open({ as: "viewer", at: `/history?lang=en&run=${id}` });
    try {
      const total = page.locator("[data-testid=history-total]");
      await expect.poll(() => total.textContent(), { timeout: 10_000 }).toBe("1 run");
    } finally {
      await context.close();
    }
  });

  it("the Run-now toast keeps a space between what started and its link", async () => {
    const { page, context } = await e2e.open({ as: "admin", at: "/history" });
    try {
      await page.getByRole("button", { name: "今すぐ実行" }).click();
      const dialog = page.locator("dialog[open]");
      await dialog.locator("#trigger-job").selectOption("test.slow");
      await dialog.locator("button[type=submit]").click();
      const toast = page
        .locator(".toast")
        .filter({ has: page.locator("a") })
        .first();
      await toast.waitFor({ timeout: 10_000 });
      const text = (await toast.textContent()) ?? "";
      const link = (await toast.locator("a").textContent()) ?? "";
      // the character before the link is a space, not the title's last letter
      expect(text.slice(0, text.indexOf(link)).endsWith(" ")).toBe(true);
    } finally {
      await context.close();
    }
  });

  it("the duration trend draws each run of the window, failed runs as red dots, in words for screen readers", async () => {
    // One after the other: the job runs one at a time (concurrency "job").
    for (let i = 0; i < 2; i++) {
      const r = await e2e.h.admin("POST", "/v1/trigger", { job_name: "test.always_fails" });
      expect(r.status).toBe(202);
      await e2e.h.waitForRun(r.body.execution_uuid as string, isFinished);
    }
    const { page, context } = await e2e.open({ as: "viewer", at: "/?lang=en" });
    try {
      const row = page.locator(".spark-table tr", {
        has: page.locator('a[href="/history?job=test.always_fails"]'),
      });
      const spark = row.locator("svg.spark");
      await spark.waitFor({ timeout: 10_000 });
      expect(await spark.getAttribute("aria-label")).toMatch(/\b2 runs?\b/);
      const points = ((await spark.locator("polyline").getAttribute("points")) ?? "").trim().split(" ");
      expect(points.length).toBe(2);
      expect(await spark.locator("circle").count()).toBe(2);
    } finally {
      await context.close();
    }
  });
});

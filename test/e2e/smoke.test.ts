// The built admin page loads in a real browser from the local stack without a page error.
import { existsSync } from "node:fs";
import type { Browser } from "playwright-core";
import { afterAll, beforeAll, expect, test } from "vitest";
import { launchBrowser, newPage } from "#test/helpers/browser.ts";
import { type Harness, startHarness } from "#test/helpers/harness.ts";
import { WEB_DIST, WEB_INDEX } from "#test/helpers/web-build.ts";

let h: Harness;
let browser: Browser;

beforeAll(async () => {
  // Without web/dist the stack serves its placeholder page, which would pass this test for nothing.
  expect(existsSync(WEB_INDEX), `${WEB_INDEX} (global-e2e builds it)`).toBe(true);
  h = await startHarness({ staticDir: WEB_DIST });
  browser = await launchBrowser();
});

afterAll(async () => {
  await browser?.close();
  await h?.stop();
});

test("GET / serves the admin page: title says jobdeck, no page errors", async () => {
  const { page, context, errors } = await newPage(browser, h.url);
  try {
    const res = await page.goto("/", { waitUntil: "load" });
    expect(res?.status()).toBe(200);
    expect(await page.title()).toContain("jobdeck");
    // Let the app's first fetches settle so their errors, if any, are seen.
    await page.waitForLoadState("networkidle", { timeout: 10_000 }).catch(() => {});
    expect(errors).toEqual([]);
  } finally {
    await context.close();
  }
});

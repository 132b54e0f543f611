import { expect, test } from "vitest";
import { useE2eStack } from "./e2e-helpers.ts";

const e2e = useE2eStack();

test("GET / serves the admin page: title says jobdeck, no page errors", async () => {
  const { page, context, errors } = await e2e.open();
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

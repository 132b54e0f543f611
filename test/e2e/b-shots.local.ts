// Local-only screenshots for part B (not committed).
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { startLocalStack } from "#local/local-stack.ts";
import type { Run } from "#schemas/run.ts";
import { rng, syntheticRun } from "#test/bench/history-bench.ts";
import { launchBrowser, newPage } from "#test/helpers/browser.ts";

const OUT = "/tmp/i14-b-shots";
const only = process.argv[2] ?? "";
const stack = await startLocalStack({
  port: 0,
  inMemory: true,
  dataDir: mkdtempSync(join(tmpdir(), "jobdeck-bshots-")),
  scheduler: false,
  defaultSchedules: true,
  print: () => {},
});
const browser = await launchBrowser();
try {
  const random = rng(20261123);
  const runs: Run[] = [];
  while (runs.length < 120) {
    const r = syntheticRun(random, Date.now() - 3600_000);
    if (r.job_name !== "listed_companies.sync" && r.job_name !== "recap.pipeline") continue;
    if (Date.parse(r.started_at) < Date.now() - 7 * 86_400_000) continue;
    const { expires_at: _drop, ...run } = r;
    runs.push(run);
  }
  for (const r of runs) await stack.deps.runs.create(r);
  const token = (
    (await (
      await fetch(`${stack.url}/local/token`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ sub: "ops@example.jp", groups: ["admin"] }),
      })
    ).json()) as { token: string }
  ).token;
  const call = (method: string, path: string, body?: unknown) =>
    fetch(`${stack.url}${path}`, {
      method,
      headers: { authorization: `Bearer ${token}`, "content-type": "application/json" },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
  await call("PUT", "/v1/jobs/recap.pipeline/enabled", { enabled: false });
  await call("PUT", "/v1/scheduler/paused", { paused: true });
  const sched = (await (await call("GET", "/v1/schedules")).json()) as { results: { id: string }[] };
  for (const phone of [false, true]) {
    for (const lang of ["ja", "en"]) {
      const { page, context } = await newPage(browser, stack.url, { phone });
      if (!phone) await page.setViewportSize({ width: 1440, height: 900 });
      await page.goto(`/?lang=${lang}`);
      await page.locator("#login-user").fill("ops@example.jp");
      await page.locator("form button[type=submit]").click();
      await page.locator("header.topbar nav").waitFor();
      const pages: [string, string][] = [
        ["dashboard", "/"],
        ["jobs", "/jobs"],
        ["history", "/history"],
        ["run", `/runs/${runs[2]?.execution_uuid}`],
        ["schedules", "/schedules"],
        ["schedule-edit", `/schedules/${sched.results[0]?.id}`],
        ["audit", "/audit"],
      ];
      for (const [name, path] of pages) {
        if (only && !name.startsWith(only)) continue;
        await page.goto(`${path}${path.includes("?") ? "&" : "?"}lang=${lang}`);
        await page.waitForTimeout(1200);
        const w = await page.evaluate(() => document.documentElement.scrollWidth);
        const h = await page.evaluate(() => document.documentElement.scrollHeight);
        if (w > (phone ? 390 : 1440))
          console.log(
            await page.evaluate(() =>
              Array.from(document.querySelectorAll("body *"))
                .filter((e) => e.getBoundingClientRect().right > document.documentElement.clientWidth)
                .slice(0, 8)
                .map((e) => `${e.tagName}.${e.className} ${Math.round(e.getBoundingClientRect().right)}`)
                .join("\n"),
            ),
          );
        const file = `${OUT}/${name}-${lang}${phone ? "-phone" : ""}.png`;
        await page.screenshot({ path: file, fullPage: false });
        console.log(file, `scrollWidth=${w} scrollHeight=${h}`);
      }
      await context.close();
    }
  }
} finally {
  await browser.close();
  await stack.stop({ graceMs: 500 });
}

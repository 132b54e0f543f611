// `npm run screenshots`: takes the README's screenshots (Japanese, 1280 px, phone views) of a
// local stack with real runs of the example jobs plus a week of synthetic history, in Debian's
// Chromium. Writes docs/screenshots/*.png. Not a test: run it after changing the page.
import { mkdirSync, mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Page } from "playwright-core";
import { JOBS } from "#jobs/all-jobs.ts";
import { startLocalStack } from "#local/local-stack.ts";
import { PROJECT_ROOT } from "#local/project-root.ts";
import type { Run } from "#schemas/run.ts";
import { rng, syntheticRun } from "#test/bench/history-bench.ts";
import { ensureJapaneseFont, launchBrowser, newPage } from "#test/helpers/browser.ts";

process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = "true";
const OUT = join(PROJECT_ROOT, "docs", "screenshots");
mkdirSync(OUT, { recursive: true });

const stack = await startLocalStack({
  port: 0,
  inMemory: true,
  dataDir: mkdtempSync(join(tmpdir(), "jobdeck-shots-")),
  scheduler: false,
  defaultSchedules: true,
  print: () => {},
});
ensureJapaneseFont();
const browser = await launchBrowser();
try {
  // A week of history for the two example jobs (the bench's generator, other jobs dropped).
  const random = rng(20261123);
  const runs: Run[] = [];
  while (runs.length < 180) {
    const r = syntheticRun(random, Date.now() - 3600_000);
    if (r.job_name !== "listed_companies.sync" && r.job_name !== "recap.pipeline") continue;
    if (Date.parse(r.started_at) < Date.now() - 7 * 86_400_000) continue;
    const { expires_at: _drop, ...run } = r;
    runs.push(run);
  }
  for (let i = 0; i < runs.length; i += 10)
    await Promise.all(runs.slice(i, i + 10).map((r) => stack.deps.runs.create(r)));

  const token = (await (
    await fetch(`${stack.url}/local/token`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ sub: "ops@example.jp", groups: ["admin"] }),
    })
  ).json()) as { token: string };
  const trigger = async (job_name: string, options: Record<string, unknown>) =>
    (
      (await (
        await fetch(`${stack.url}/v1/trigger`, {
          method: "POST",
          headers: { authorization: `Bearer ${token.token}`, "content-type": "application/json" },
          body: JSON.stringify({ job_name, options }),
        })
      ).json()) as { execution_uuid: string }
    ).execution_uuid;
  const waitEnd = async (id: string) => {
    for (;;) {
      const r = await stack.deps.runs.get(id);
      if (r && r.status !== "RUNNING" && r.status !== "QUEUED") return r;
      await new Promise((res) => setTimeout(res, 200));
    }
  };
  // Real runs: a full sync and a pipeline run that finish, for the detail page.
  await waitEnd(await trigger("listed_companies.sync", {}));
  const finishedRecap = await trigger("recap.pipeline", { stage_delay_ms: 50 });
  await waitEnd(finishedRecap);

  const { page, context } = await newPage(browser, stack.url);
  const shot = async (name: string, p: Page = page, fullPage = true) => {
    await p.waitForLoadState("networkidle", { timeout: 5000 }).catch(() => {});
    await p.waitForTimeout(400);
    await p.screenshot({ path: join(OUT, `${name}.png`), fullPage });
    console.log(`docs/screenshots/${name}.png`);
  };
  await page.goto("/");
  await shot("login");
  await page.locator("#login-user").fill("ops@example.jp");
  await page.locator("form button[type=submit]").click();
  await page.locator("header.topbar nav").waitFor();

  // A pipeline in the middle of its stages for the dashboard and the job card.
  await trigger("recap.pipeline", { stage_delay_ms: 4000 });
  await page.goto("/");
  await page.locator('[data-testid=active-run] li[aria-current="step"]').first().waitFor({ timeout: 20_000 });
  await page.waitForTimeout(4500);
  await shot("dashboard");
  await page.goto("/jobs");
  await page.locator("[data-testid=job-active-run]").first().waitFor();
  await shot("jobs");
  await page.goto("/history?period=7d");
  await page.locator("[data-testid=run-row]").first().waitFor();
  await page.locator("[data-testid=run-row][data-status=FAILURE] button[aria-expanded]").first().click();
  await shot("history", page, false); // 100 rows: the first screenful says enough
  await page.getByRole("button", { name: "今すぐ実行" }).click();
  await page.locator("dialog[open] #trigger-job").selectOption("recap.pipeline");
  await page.locator("dialog[open] #trigger-max_per_genre").fill("30");
  await page.locator("dialog[open] button[type=submit]").click();
  await page.locator("dialog[open] .field-error").first().waitFor();
  await page.screenshot({ path: join(OUT, "trigger-dialog.png") });
  console.log("docs/screenshots/trigger-dialog.png");
  await page.keyboard.press("Escape");
  await page.goto("/schedules");
  await page.locator("[data-testid=schedule-row]").first().waitFor();
  await shot("schedules");
  await page.locator("[data-testid=schedule-row] a").first().click();
  await page.locator("[data-testid=preview-times] li").first().waitFor();
  await shot("schedule-edit");
  await page.goto("/audit");
  await page.locator("[data-testid=audit-row]").first().waitFor();
  await shot("audit");
  await page.goto(`/runs/${finishedRecap}`);
  await page.locator("[data-testid=skip-breakdown]").waitFor();
  await shot("run-detail");
  // The same pages in English (the page follows ?lang= and keeps it).
  await page.goto(`/runs/${finishedRecap}?lang=en`);
  await page.locator("[data-testid=skip-breakdown]").waitFor();
  await shot("run-detail-en");
  await page.goto("/jobs?lang=en");
  await page.locator("[data-testid=job-card]").first().waitFor();
  await shot("jobs-en");
  // Issue 15: a fargate job's run (locally a child process: its pid is the task line), run for a
  // few seconds. Skipped while no registered job runs on fargate.
  const fargateJob = JOBS.find((j) => j.runtime === "fargate");
  const fargateRun = fargateJob ? await trigger(fargateJob.name, { duration_seconds: 6 }) : null;
  if (fargateRun) {
    await waitEnd(fargateRun);
    await page.goto(`/runs/${fargateRun}`);
    await page.locator("[data-testid=run-task]").waitFor();
    await shot("run-fargate");
  } else console.log("no fargate job registered: run-fargate.png not taken");
  // Issue 16: the upcoming-runs calendar (a week, in the display zone) and a backfill being watched.
  await page.goto("/calendar?view=week");
  await page.locator("[data-testid=cal-fire]").first().waitFor();
  await shot("calendar", page, false);
  const backfill = (await (
    await fetch(`${stack.url}/v1/jobs/listed_companies.sync/backfill`, {
      method: "POST",
      headers: { authorization: `Bearer ${token.token}`, "content-type": "application/json" },
      body: JSON.stringify({
        schedule_expression: "cron(30 11 * * ? *)",
        timezone: "Asia/Tokyo",
        from: new Date(Date.now() - 6 * 86_400_000).toISOString(),
        to: new Date().toISOString(),
        params: { source: "fixture" },
      }),
    })
  ).json()) as { id: string };
  await page.goto(`/backfills/${backfill.id}?lang=en`);
  await page.locator("[data-testid=bf-counts]").waitFor();
  await page.waitForTimeout(2500);
  await shot("backfill-en", page, false);
  await context.close();

  const phone = await newPage(browser, stack.url, { phone: true });
  await phone.page.goto("/");
  await phone.page.locator("form button[type=submit]").click();
  await phone.page.goto("/history");
  await phone.page.locator("[data-testid=run-row]").first().waitFor();
  await shot("history-phone", phone.page, false);
  await phone.page.goto("/");
  await phone.page.locator("[data-testid=kpis]").waitFor();
  await shot("dashboard-phone", phone.page, false);
  await phone.page.goto("/schedules");
  await phone.page.locator("[data-testid=schedule-row]").first().waitFor();
  await shot("schedules-phone", phone.page, false);
  if (fargateRun) {
    await phone.page.goto(`/runs/${fargateRun}?lang=en`);
    await phone.page.locator("[data-testid=run-task]").waitFor();
    await shot("run-fargate-phone-en", phone.page, false);
  }
  await phone.context.close();
} finally {
  await browser.close();
  await stack.stop({ graceMs: 1000 });
}

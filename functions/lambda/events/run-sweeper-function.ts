// Lambda entry of the every-minute EventBridge rule (kind "sweeper"):
// ends runs left active past their job's time budget and records missed schedule fires, counted
// in the MissedFires metric that the missed-fires alarm watches.
import type { Context } from "aws-lambda";
import { createMetrics } from "#adapters/powertools-logger.ts";
import { RunSweeper, SWEEP_METRICS } from "#domain/runs/run-sweeper.ts";
import { awsApp, once } from "#lambda/aws-host.ts";
import { withInvocation } from "#lambda/invocation.ts";
import { snsAlerts } from "#lambda/sns-alerts.ts";

const ready = once(async () => {
  const app = await awsApp("sweeper", { alerts: snsAlerts });
  return { app, metrics: createMetrics() };
});

export async function handler(
  _event: unknown,
  context?: Context,
): Promise<{ ended: number; missed: number }> {
  const { app, metrics } = await ready();
  let result = { ended: 0, missed: 0 };
  await withInvocation(app.logger, context, "sweeper", {}, async () => {
    const swept = await new RunSweeper(app.deps).sweep();
    result = { ended: swept.ended.length, missed: swept.missed.length };
    // Always emitted (0 included), so the alarm sees data and "no missed fires" is a fact, not a gap.
    metrics.addMetric(SWEEP_METRICS.missed, "Count", swept.missed.length);
    metrics.addMetric(SWEEP_METRICS.swept, "Count", swept.ended.length);
    metrics.publishStoredMetrics();
  });
  return result;
}

// jquants.daily_bars' source: the shared J-Quants client (jquants/jquants-client.ts) with the job's
// key, the host's base URL and plan limit, and its retries logged on the run.
import { hostEnv } from "#config/env-contract.ts";
import {
  createJQuantsClient,
  JQUANTS_API_KEY_SECRET,
  jquantsSettings,
} from "#jobs/jquants/jquants-client.ts";
import type { BarsSourceOpener } from "./daily-bars.ts";

export const openJQuantsBarsSource: BarsSourceOpener = async (ctx) => {
  const apiKey = await ctx.secret("jquants_api_key");
  if (!apiKey) {
    throw new Error(
      `the J-Quants API key is not configured: set ${JQUANTS_API_KEY_SECRET.env} locally, or the ` +
        `secret ${JQUANTS_API_KEY_SECRET.name} in AWS Secrets Manager`,
    );
  }
  const settings = jquantsSettings(hostEnv());
  return createJQuantsClient({
    apiKey,
    baseUrl: settings.baseUrl,
    requestsPerMinute: settings.requestsPerMinute,
    signal: ctx.signal,
    onRetry: (info) => ctx.logger.warn("J-Quants request retried", { ...info }),
  });
};

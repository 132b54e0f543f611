// The Lambda handler of one API area: on the first call it builds the container's app (AWS deps,
// cursor key) and the area's middy handler, then every call goes straight to that handler.
import { injectLambdaContext } from "@aws-lambda-powertools/logger/middleware";
import type { Context } from "aws-lambda";
import { type ApiApp, createApiApp } from "#api/app.ts";
import type { ApiEvent, ApiResult, apiHandler } from "#api/http.ts";
import { type AwsAppNeeds, awsApp, ephemeralCursorSecret, once } from "#lambda/aws-host.ts";

type AreaHandler = ReturnType<typeof apiHandler>;

export type ApiEntryOptions = {
  /** Scheduling configuration (EventBridge Scheduler); every area but meta has it. */
  scheduling: boolean;
  /** Read the cursor key from Secrets Manager; false for areas that never page (meta). */
  cursors: boolean;
};

export function apiEntry(create: (app: ApiApp) => AreaHandler, opts: ApiEntryOptions) {
  const ready = once(async (): Promise<AreaHandler> => {
    const needs: AwsAppNeeds = { scheduling: opts.scheduling, cursorSecret: opts.cursors };
    const app = await awsApp(needs);
    const cursorSecret = opts.cursors ? await app.cursorSecret() : ephemeralCursorSecret();
    return create(createApiApp(app.deps, { cursorSecret })).use(
      injectLambdaContext(app.logger.powertools, { resetKeys: true }),
    );
  });
  return async (event: ApiEvent, context: Context): Promise<ApiResult> => (await ready())(event, context);
}

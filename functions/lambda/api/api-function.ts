// The Lambda handler of one API area: on the first call it builds the container's app (AWS deps,
// cursor key) and the area's middy handler, then every call goes straight to that handler.
import { injectLambdaContext } from "@aws-lambda-powertools/logger/middleware";
import type { Context } from "aws-lambda";
import { type ApiApp, createApiApp } from "#api/app.ts";
import { API_AREAS, type ApiArea } from "#api/areas.ts";
import type { ApiEvent, ApiResult, apiHandler } from "#api/http.ts";
import { type AwsHostOptions, awsApp, ephemeralCursorSecret, once } from "#lambda/aws-host.ts";

type AreaHandler = ReturnType<typeof apiHandler>;

export function apiEntry(
  area: ApiArea,
  create: (app: ApiApp) => AreaHandler,
  hostOptions: AwsHostOptions = {},
) {
  const ready = once(async (): Promise<AreaHandler> => {
    const app = await awsApp(API_AREAS[area].kind, hostOptions);
    // Areas that never page (meta) get a key of this container only: healthz never waits on
    // Secrets Manager.
    const cursorSecret = app.config.cursorSecretArn ? await app.cursorSecret() : ephemeralCursorSecret();
    return create(createApiApp(app.deps, { cursorSecret })).use(
      injectLambdaContext(app.logger.powertools, { resetKeys: true }),
    );
  });
  return async (event: ApiEvent, context: Context): Promise<ApiResult> => (await ready())(event, context);
}

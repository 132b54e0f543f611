// Lambda entry of the custom resource that creates the jobs' default schedules (onEvent of an
// aws-cdk-lib/custom-resources Provider; kind "default-schedules").
// Schedules are data, never CloudFormation-owned: Create / Update create the defaults once through
// the schedules service (a marker makes later calls a no-op, and operators' edits stay), and Delete
// leaves every schedule where it is.
import type { CloudFormationCustomResourceEvent, Context } from "aws-lambda";
import { ScheduleService } from "#domain/schedules/schedule-service.ts";
import { awsApp } from "#lambda/aws-host.ts";
import { withInvocation } from "#lambda/invocation.ts";

export const PHYSICAL_RESOURCE_ID = "jobdeck-default-schedules";

export type OnEventResponse = { PhysicalResourceId: string; Data?: { created: number } };

export async function handler(
  event: CloudFormationCustomResourceEvent,
  context?: Context,
): Promise<OnEventResponse> {
  if (event.RequestType === "Delete") return { PhysicalResourceId: PHYSICAL_RESOURCE_ID };
  const app = await awsApp("default-schedules");
  return withInvocation(
    app.logger,
    context,
    "default schedules",
    { request_type: event.RequestType },
    async () => {
      const created = await new ScheduleService(app.deps).ensureDefaults(app.deps.registry.list());
      app.logger.info("default schedules ensured", { created });
      return { PhysicalResourceId: PHYSICAL_RESOURCE_ID, Data: { created } };
    },
  );
}

// The sweeper's view of fargate jobs' tasks: ECS in the cluster named by JOBDECK_CLUSTER_ARN.
// Kept out of aws-host.ts (like sns-alerts.ts) so that only the sweeper's bundle carries the ECS
// client.
import { ECSClient } from "@aws-sdk/client-ecs";
import { EcsTaskFleet } from "#adapters/ecs-task-fleet.ts";
import type { TaskFleet } from "#ports/task-fleet.ts";
import type { AwsConfig } from "./aws-host.ts";

export function ecsTaskFleet(config: AwsConfig): TaskFleet {
  return new EcsTaskFleet(new ECSClient({ region: config.region }), { clusterArn: config.clusterArn ?? "" });
}

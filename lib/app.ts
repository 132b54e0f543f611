// The CDK app of `npx cdk synth` / `npx cdk deploy` (bin/app.ts): one jobdeck stack, settings from
// CDK context, cdk-nag and the Control Tower checks registered. The jobs are the registry's unless
// given (test/infra/fargate-app.ts synthesizes the same app with a fargate job through the CLI).
import { App, Validations } from "aws-cdk-lib";
import { AwsSolutionsChecks } from "cdk-nag";
import type { JobDefinition } from "#domain/jobs/job-definition.ts";
import { loadJobDataFiles } from "./functions.ts";
import { controlTowerChecks } from "./guard.ts";
import { JobdeckStack } from "./jobdeck-stack.ts";
import { settingsFromContext } from "./settings.ts";

export async function jobdeckApp(options: { jobs?: readonly JobDefinition[] } = {}): Promise<App> {
  // The handlers' SDK notice about its Node 22 floor is noise at synth time.
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= "true";

  const app = new App();
  const settings = settingsFromContext(app.node);
  new JobdeckStack(app, "Jobdeck", {
    description: "jobdeck: serverless control plane for recurring batch jobs",
    env: { region: settings.region, account: process.env.CDK_DEFAULT_ACCOUNT },
    settings,
    ...(options.jobs ? { jobs: options.jobs } : {}),
    jobDataFiles: await loadJobDataFiles(),
  });
  // cdk-nag and the Control Tower proactive controls (cfn-guard, lib/guard.ts) on every synth: an
  // unacknowledged finding of either fails it.
  Validations.of(app).addPlugins(new AwsSolutionsChecks(app), controlTowerChecks(app));
  return app;
}

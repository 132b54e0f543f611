// CDK app: `npx cdk synth` / `npx cdk deploy` (cdk.json runs this with tsx). Settings come from
// CDK context (cdk.json, `-c key=value`); see README "Deploy to AWS".
import { App, Validations } from "aws-cdk-lib";
import { AwsSolutionsChecks } from "cdk-nag";
import { loadJobDataFiles } from "../lib/functions.ts";
import { controlTowerChecks } from "../lib/guard.ts";
import { JobdeckStack } from "../lib/jobdeck-stack.ts";
import { settingsFromContext } from "../lib/settings.ts";

// The handlers' SDK notice about its Node 22 floor is noise at synth time.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= "true";

const app = new App();
const settings = settingsFromContext(app.node);
new JobdeckStack(app, "Jobdeck", {
  description: "jobdeck: serverless control plane for recurring batch jobs",
  env: { region: settings.region, account: process.env.CDK_DEFAULT_ACCOUNT },
  settings,
  jobDataFiles: await loadJobDataFiles(),
});
// cdk-nag and the Control Tower proactive controls (cfn-guard, lib/guard.ts) on every synth: an
// unacknowledged finding of either fails it.
Validations.of(app).addPlugins(new AwsSolutionsChecks(app), controlTowerChecks(app));
app.synth();

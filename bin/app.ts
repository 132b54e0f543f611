// CDK app: `npx cdk synth` / `npx cdk deploy` (cdk.json runs this with tsx). Settings come from
// CDK context (cdk.json, `-c key=value`); see README "Deploy to AWS". The app is lib/app.ts.
import { jobdeckApp } from "../lib/app.ts";

(await jobdeckApp()).synth();

// Placeholder entry of a fargate job's container (issue 15), so that the CDK app's task bundle
// builds on this branch; the real entry (runTaskAttempt with the Step Functions task reporter)
// replaces this file. Loaded by the container's bootstrap with require(): it runs on load.
import { FARGATE_CONTAINER_NAME } from "#workflow/run-job-asl.ts";

console.error(`jobdeck: container ${FARGATE_CONTAINER_NAME}: this build's task entry is a placeholder`);
process.exitCode = 1;

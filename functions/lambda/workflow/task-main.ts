// Placeholder entry of a fargate job's container (issue 15), so that the CDK app's task bundle
// builds on this branch; the real entry (runTaskAttempt with the Step Functions task reporter)
// replaces this file. Loaded by the container's bootstrap with require(): it runs on load.
console.error("jobdeck: this build's task entry is a placeholder; the run cannot start");
process.exitCode = 1;

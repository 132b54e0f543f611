import { tmpdir } from "node:os";
import { join } from "node:path";
import { defineConfig } from "vitest/config";

// globalSetup runs in this process, not in the workers that get `env` below.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = "true";

// Each answer the OpenAPI conformance check sees adds a byte here; the summary reporter counts them.
process.env.JOBDECK_CONFORMANCE_LOG ??= join(tmpdir(), `jobdeck-conformance-${process.pid}.log`);

const env = {
  AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: "true",
  JOBDECK_LOG_LEVEL: "error",
  JOBDECK_CONFORMANCE_LOG: process.env.JOBDECK_CONFORMANCE_LOG,
};

// Integration files that must have the machine to themselves, one at a time, after everything else
// (groupOrder 1): they kill, stall or restart DynamoDB Local or the stack's process (their own JVMs
// or child stacks, or a fault proxy in front of the shared JVM), and they check behaviour expressed
// in time (a run's recorded duration excludes an outage, a schedule fires ≤ 1 s late, the supervisor
// restarts the JVM within 10 s, shutdown ends within the grace). Every other integration file runs
// in parallel with the unit, infra and e2e files. A new file that does any of the above goes here.
const SERIAL_INTEGRATION = [
  "dynamodb-jvm-killed", // kills a child stack's DynamoDB Local; back within 10 s
  "dynamodb-local-supervision", // starts, SIGKILLs and SIGSTOPs its own JVMs; timing of the restart
  "store-outage", // fault proxy: cut / hang / heal; fails fast (< 10 s), fires ≤ 1.5 s late
  "outage-acceptance", // fault proxy: a 60 s outage with an every-minute schedule
  "honest-outcomes", // fault proxy; recorded durations within ~1.5 s of the job's own
  "graceful-shutdown", // SIGTERM / SIGINT / SIGKILL of child stacks; the 15 s grace
  "local-restart", // kill -9 of a child stack (own JVM on disk), then a restart
  "queue-restart", // stops and restarts in-process stacks on disk (own JVMs)
  "idempotency-crash", // SIGKILL of a child stack between claim and completion
  "local-scheduler", // the real-time scheduler: a fire ≤ 1 s late
].map((name) => `test/integration/${name}.test.ts`);

// Two cores: two test files at a time (the unit, parallel integration, infra and e2e files share one
// group, so they share its workers), then the serial files one at a time.
const WORKERS = 2;

export default defineConfig({
  test: {
    reporters: ["default", "./test/helpers/summary-reporter.ts"],
    projects: [
      {
        test: { name: "unit", include: ["test/unit/**/*.test.ts"], env, maxWorkers: WORKERS },
      },
      {
        test: {
          name: "integration",
          include: ["test/integration/**/*.test.ts"],
          exclude: SERIAL_INTEGRATION,
          env,
          // One DynamoDB Local for every file of every project (each harness has its own table prefix).
          globalSetup: ["test/helpers/global-dynamodb.ts"],
          maxWorkers: WORKERS,
          testTimeout: 60_000,
          hookTimeout: 60_000,
        },
      },
      {
        test: {
          name: "integration-serial",
          include: SERIAL_INTEGRATION,
          env,
          globalSetup: ["test/helpers/global-dynamodb.ts"],
          // One file at a time, alone: after the group of every other project (groupOrder 1).
          maxWorkers: 1,
          sequence: { groupOrder: 1 },
          testTimeout: 60_000,
          hookTimeout: 60_000,
        },
      },
      {
        test: {
          name: "infra",
          include: ["test/infra/**/*.test.ts"],
          env,
          // CDK synths and `cdk` child processes. Their wall-clock budgets are the bench's
          // (`npm run bench -- --only cli`), so they share the first group.
          maxWorkers: WORKERS,
          testTimeout: 120_000,
          hookTimeout: 120_000,
        },
      },
      {
        test: {
          name: "deploy",
          include: ["test/deploy/**/*.test.ts"],
          env,
          // One real `npx cdk synth` (bundling on), cached by a hash of the sources, then the bundles
          // run in their own processes against the shared DynamoDB Local (test/deploy/*.test.ts).
          globalSetup: ["test/helpers/global-dynamodb.ts", "test/helpers/deploy-synth.ts"],
          maxWorkers: WORKERS,
          testTimeout: 60_000,
          hookTimeout: 180_000,
        },
      },
      {
        test: {
          name: "e2e",
          include: ["test/e2e/**/*.test.ts"],
          env,
          // The shared DynamoDB Local, then Debian's Chromium and a built web/dist (global-e2e
          // installs / builds them when missing). A browser plus a local stack per file.
          globalSetup: ["test/helpers/global-dynamodb.ts", "test/helpers/global-e2e.ts"],
          maxWorkers: WORKERS,
          testTimeout: 90_000,
          hookTimeout: 90_000,
        },
      },
    ],
  },
});

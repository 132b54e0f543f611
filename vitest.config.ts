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

export default defineConfig({
  test: {
    reporters: ["default", "./test/helpers/summary-reporter.ts"],
    projects: [
      {
        test: { name: "unit", include: ["test/unit/**/*.test.ts"], env },
      },
      {
        test: {
          name: "integration",
          include: ["test/integration/**/*.test.ts"],
          env,
          // One DynamoDB Local for every file (each file uses its own table prefix).
          globalSetup: ["test/helpers/global-dynamodb.ts"],
          // Two cores: run integration files one at a time so timings stay honest.
          fileParallelism: false,
          testTimeout: 60_000,
          hookTimeout: 60_000,
        },
      },
      {
        test: {
          name: "infra",
          include: ["test/infra/**/*.test.ts"],
          env,
          // CDK synths and `cdk` child processes: one file at a time, after the other projects
          // (groupOrder), so that the CLI timings (synth < 30 s) measure jobdeck, not the neighbours.
          fileParallelism: false,
          sequence: { groupOrder: 1 },
          testTimeout: 120_000,
          hookTimeout: 120_000,
        },
      },
      {
        test: {
          name: "e2e",
          include: ["test/e2e/**/*.test.ts"],
          env,
          // Its own DynamoDB Local (globalSetup runs per project), then Debian's Chromium and a
          // built web/dist (global-e2e installs / builds them when missing).
          globalSetup: ["test/helpers/global-dynamodb.ts", "test/helpers/global-e2e.ts"],
          // A browser plus a local stack per file: one file at a time, after infra (groupOrder 1).
          fileParallelism: false,
          sequence: { groupOrder: 2 },
          testTimeout: 90_000,
          hookTimeout: 90_000,
        },
      },
    ],
  },
});

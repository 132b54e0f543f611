// Issue 17, job secrets: a job declares its secrets, reads them with ctx.secret(key) from the
// host's reader (the environment locally, Secrets Manager in AWS, cached per container), and the
// value never reaches a log line, a progress record or the error the worker throws.
import {
  GetSecretValueCommand,
  ResourceNotFoundException,
  SecretsManagerClient,
} from "@aws-sdk/client-secrets-manager";
import { mockClient } from "aws-sdk-client-mock";
import { afterEach, describe, expect, it } from "vitest";
import * as z from "zod/mini";
import { EnvSecretReader } from "#adapters/env-secret-reader.ts";
import { SECRET_CACHE_MS, SecretsManagerSecretReader } from "#adapters/secrets-manager-secret-reader.ts";
import type { JobLogger } from "#domain/jobs/job-definition.ts";
import { maskSecrets } from "#domain/runs/run-attempts.ts";
import type { RunContext, WorkflowState } from "#domain/runs/workflow-state.ts";
import { defineJob } from "#jobs/define-job.ts";
import type { SecretReader } from "#ports/secret-reader.ts";
import { memoryCore } from "#test/fakes/memory-core.ts";
import { aRun } from "#test/helpers/builders.ts";
import { createRunWorker } from "#workflow/worker-handler.ts";

const KEY_DECL = { env: "TEST_SECRET_KEY", name: "jobdeck/test-secret" } as const;
const sm = mockClient(SecretsManagerClient);
afterEach(() => sm.reset());

describe("SecretsManagerSecretReader", () => {
  it("reads the secret by the name JOBDECK_JOB_SECRETS gives, once per container while cached", async () => {
    sm.on(GetSecretValueCommand, { SecretId: "prod/jquants" }).resolves({ SecretString: " k-123456 \n" });
    let now = 1_000;
    const reader = new SecretsManagerSecretReader(
      new SecretsManagerClient({}),
      { api_key: "prod/jquants" },
      () => now,
    );
    expect(await reader.read("api_key", KEY_DECL)).toBe("k-123456");
    now += SECRET_CACHE_MS - 1;
    expect(await reader.read("api_key", KEY_DECL)).toBe("k-123456");
    expect(sm.commandCalls(GetSecretValueCommand)).toHaveLength(1);
    now += 2;
    await reader.read("api_key", KEY_DECL);
    expect(sm.commandCalls(GetSecretValueCommand)).toHaveLength(2);
  });

  it("falls back to the declared name, and reads a secret that does not exist as null", async () => {
    sm.on(GetSecretValueCommand).rejects(
      new ResourceNotFoundException({ message: "no such secret", $metadata: {} }),
    );
    const reader = new SecretsManagerSecretReader(new SecretsManagerClient({}));
    expect(await reader.read("api_key", KEY_DECL)).toBeNull();
    expect(sm.commandCalls(GetSecretValueCommand)[0]!.args[0].input).toEqual({
      SecretId: "jobdeck/test-secret",
    });
  });

  it("does not keep a failed read, and says which secret failed", async () => {
    const denied = Object.assign(new Error("not authorized to GetSecretValue"), {
      name: "AccessDeniedException",
    });
    sm.on(GetSecretValueCommand).rejectsOnce(denied).resolves({ SecretString: "second-try" });
    const reader = new SecretsManagerSecretReader(new SecretsManagerClient({}));
    await expect(reader.read("api_key", KEY_DECL)).rejects.toThrow(
      /jobdeck\/test-secret.*AccessDeniedException/,
    );
    expect(await reader.read("api_key", KEY_DECL)).toBe("second-try");
  });
});

describe("EnvSecretReader", () => {
  it("reads the declared variable; unset or blank is not configured", async () => {
    expect(await new EnvSecretReader({ TEST_SECRET_KEY: "abc-xyz-1" }).read("k", KEY_DECL)).toBe("abc-xyz-1");
    expect(await new EnvSecretReader({ TEST_SECRET_KEY: "  " }).read("k", KEY_DECL)).toBeNull();
    expect(await new EnvSecretReader({}).read("k", KEY_DECL)).toBeNull();
  });
});

describe("defineJob secrets", () => {
  it("refuses a secret name that would not make a plain IAM resource", () => {
    expect(() =>
      defineJob({
        name: "test.bad_secret",
        description: "x",
        category: "test",
        data_sources: [],
        parameters: z.object({}),
        secrets: { k: { env: "OK_NAME", name: "jobdeck/*" } },
        async run() {},
      }),
    ).toThrow(/secret 'k'/);
  });
});

// ---- the worker: ctx.secret and masking
const VALUE = "sk-live-9f8e7d6c5b4a";

function secretJob(behave: "log_and_fail" | "read_undeclared" | "read") {
  return defineJob({
    name: "test.secret_user",
    description: "reads its secret",
    category: "test",
    data_sources: ["test"],
    parameters: z.object({}),
    secrets: { api_key: KEY_DECL },
    messages: { using: { ja: "キー {key}", en: "key {key}" } },
    async run(ctx) {
      if (behave === "read_undeclared") await ctx.secret("other");
      const key = await ctx.secret("api_key");
      if (behave === "read") {
        ctx.count.input(key === VALUE ? 1 : 0);
        return;
      }
      ctx.logger.info(`calling with ${key}`, { headers: { "x-api-key": key }, list: [key] });
      ctx.progress({ message: { key: "using", params: { key: key ?? "" } } });
      throw new Error(`the source answered 401 for key ${key}`);
    },
  });
}

function runWorker(job: ReturnType<typeof secretJob>, secrets?: SecretReader) {
  const lines: string[] = [];
  const at = (level: string) => (m: string, e?: Record<string, unknown>) => {
    lines.push(`${level} ${m} ${JSON.stringify(e ?? {})}`);
  };
  const logger: JobLogger = { debug: at("debug"), info: at("info"), warn: at("warn"), error: at("error") };
  const core = memoryCore({ jobs: [job], now: "2026-11-29T00:00:00.000Z" });
  const run = aRun({ job_name: job.name, status: "RUNNING" });
  core.runs.seed(run);
  const context: RunContext = {
    execution_uuid: run.execution_uuid,
    job_name: job.name,
    concurrency_key: job.name,
    params: {},
    attempt: 1,
    max_attempts: 1,
    timeout_seconds: 60,
    proceed: true,
    execution_policy: "skip",
    queue_timeout_seconds: 0,
    queued_at: "2026-11-29T00:00:00.000Z",
  };
  const worker = createRunWorker({ ...core, logger, openStores: () => ({}), secrets, minWriteIntervalMs: 0 });
  const payload = { input: { job_name: job.name }, run: context } as unknown as WorkflowState;
  return { done: worker(payload), lines, core, run };
}

describe("ctx.secret in the worker", () => {
  const reader: SecretReader = { read: async (_k, s) => (s.env === KEY_DECL.env ? VALUE : null) };

  it("hands the job its declared secret from the host's reader", async () => {
    const { done } = runWorker(secretJob("read"), reader);
    expect((await done).result?.counts.input_count).toBe(1);
  });

  it("reads as null in a host with no secrets configured", async () => {
    const { done } = runWorker(secretJob("read"));
    expect((await done).result?.counts.input_count).toBe(0);
  });

  it("refuses a key the job does not declare", async () => {
    const { done } = runWorker(secretJob("read_undeclared"), reader);
    await expect(done).rejects.toThrow(/does not declare it/);
  });

  it("masks the value in log lines, the progress record and the thrown error", async () => {
    const { done, lines, core, run } = runWorker(secretJob("log_and_fail"), reader);
    const err = (await done.catch((e: unknown) => e)) as Error;
    expect(err.message).toBe("the source answered 401 for key ***");
    expect(err.stack).not.toContain(VALUE);
    expect(lines.join("\n")).toContain("calling with ***");
    expect(lines.join("\n")).not.toContain(VALUE);
    const stored = JSON.stringify(await core.runs.get(run.execution_uuid));
    expect(stored).toContain("key ***");
    expect(stored).not.toContain(VALUE);
    // from now on this process masks it everywhere (the steps' error summary, the logs API)
    expect(maskSecrets(`echo ${VALUE}`)).toBe("echo ***");
  });
});

// Each project Lambda bundle of the cloud assembly in its own Node process, as Lambda runs it: the
// template's environment (intrinsics resolved), cwd and LAMBDA_TASK_ROOT at the unpacked bundle,
// `index.js` required and its `handler` called once per invocation (the process stays warm between
// them, like a container); a module from outside the bundle cannot be loaded. Nothing of the test process's environment leaks in: the AWS SDK reaches
// DynamoDB Local and the recording fakes only through AWS_ENDPOINT_URL_* and signs with the
// function's logical id as its access key (so the fakes know the caller).
import { type ChildProcess, fork } from "node:child_process";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import type { DeployedFunction } from "./deploy-template.ts";

const RUNNER = `
const [file, exportName] = process.argv.slice(2);
// Lambda's task root holds the bundle and nothing else; node_modules of this machine would hide a
// bundle that needs a package it does not carry (the AWS SDK, say), so resolving one is refused.
const Module = require("node:module");
const path = require("node:path");
// Its real path: Node resolves modules to real paths (node_modules may be a symlink, as in a worktree).
const taskRoot = require("node:fs").realpathSync(path.dirname(file)) + path.sep;
const resolve = Module._resolveFilename;
Module._resolveFilename = function (request, ...rest) {
  const found = resolve.call(this, request, ...rest);
  if (Module.isBuiltin(found) || found.startsWith(taskRoot)) return found;
  const e = new Error("Cannot find module '" + request + "': it is outside the bundle, and Lambda has only the bundle");
  e.code = "MODULE_NOT_FOUND";
  throw e;
};
let mod;
process.on("message", async (msg) => {
  const { id, event, context } = msg;
  try {
    mod ??= require(file);
    const ctx = {
      ...context,
      callbackWaitsForEmptyEventLoop: true,
      getRemainingTimeInMillis: () => Math.max(0, context.deadline - Date.now()),
      done() {}, fail() {}, succeed() {},
    };
    const result = await mod[exportName](event, ctx);
    process.send({ id, ok: true, result: result === undefined ? null : result });
  } catch (e) {
    process.send({ id, ok: false, error: {
      errorType: (e && e.name) || "Error",
      errorMessage: (e && e.message) || String(e),
      trace: String((e && e.stack) || "").split("\\n"),
    } });
  }
});
process.send({ ready: true });
`;

/** A Lambda function error as the invoker (Step Functions, API Gateway) sees it. */
export class LambdaError extends Error {
  constructor(
    readonly errorType: string,
    readonly errorMessage: string,
    readonly trace: string[] = [],
  ) {
    super(JSON.stringify({ errorType, errorMessage, trace }));
    this.name = errorType;
  }
}

type Pending = { resolve: (v: unknown) => void; reject: (e: unknown) => void; timer: NodeJS.Timeout };

export class LambdaProcess {
  private child: ChildProcess | undefined;
  private readonly pending = new Map<number, Pending>();
  private nextId = 0;
  private ready: Promise<void> | undefined;
  /** The process's stdout and stderr (the function's logs), newest last. */
  log = "";
  invocations = 0;
  /** When each invocation ended, and whether it returned (true) or threw. */
  readonly ends: { at: number; ok: boolean }[] = [];

  constructor(
    readonly fn: DeployedFunction,
    private readonly env: Record<string, string | undefined>,
    private readonly runnerFile: string,
    readonly timeoutMs: number,
  ) {}

  private spawn(): Promise<void> {
    const [base, exportName] = this.fn.handler.split(".") as [string, string];
    const child = fork(this.runnerFile, [join(this.fn.assetDir, `${base}.js`), exportName], {
      cwd: this.fn.assetDir,
      env: this.env,
      stdio: ["ignore", "pipe", "pipe", "ipc"],
      execArgv: [],
    });
    this.child = child;
    const keep = (d: Buffer) => {
      this.log = (this.log + d.toString("utf8")).slice(-200_000);
    };
    child.stdout?.on("data", keep);
    child.stderr?.on("data", keep);
    const ready = new Promise<void>((resolve, reject) => {
      child.once("error", reject);
      child.on("message", (msg: any) => {
        if (msg.ready) return resolve();
        const p = this.pending.get(msg.id);
        if (!p) return;
        this.pending.delete(msg.id);
        clearTimeout(p.timer);
        this.ends.push({ at: Date.now(), ok: msg.ok });
        if (msg.ok) p.resolve(msg.result);
        else p.reject(new LambdaError(msg.error.errorType, msg.error.errorMessage, msg.error.trace));
      });
      child.once("exit", (code, signal) => {
        this.child = undefined;
        this.ready = undefined;
        const err = new LambdaError(
          "Runtime.ExitError",
          `${this.fn.id} exited (${code ?? signal})\n${this.log.slice(-3000)}`,
        );
        for (const [id, p] of this.pending) {
          clearTimeout(p.timer);
          p.reject(err);
          this.pending.delete(id);
        }
        reject(err);
      });
    });
    return ready;
  }

  async invoke(event: unknown): Promise<unknown> {
    this.ready ??= this.spawn();
    await this.ready;
    this.invocations++;
    const id = this.nextId++;
    const deadline = Date.now() + this.timeoutMs;
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.pending.delete(id);
        // Lambda ends a timed-out invocation's container: the next one starts cold.
        this.child?.kill("SIGKILL");
        reject(new LambdaError("Sandbox.Timedout", `Task timed out after ${this.timeoutMs / 1000} seconds`));
      }, this.timeoutMs);
      this.pending.set(id, { resolve, reject, timer });
      this.child!.send({
        id,
        event,
        context: {
          functionName: this.fn.id,
          functionVersion: "$LATEST",
          invokedFunctionArn: this.fn.arn,
          memoryLimitInMB: "512",
          awsRequestId: `req-${this.fn.id}-${id}`,
          logGroupName: `/aws/lambda/${this.fn.id}`,
          logStreamName: "deploy-suite",
          deadline,
        },
      });
    });
  }

  /** Changes the function's configuration (as UpdateFunctionConfiguration): the next invocation starts cold. */
  async reconfigure(change: Record<string, string | undefined>): Promise<void> {
    await this.stop();
    for (const [k, v] of Object.entries(change)) {
      if (v === undefined) delete this.env[k];
      else this.env[k] = v;
    }
  }

  async stop(): Promise<void> {
    const child = this.child;
    if (!child) return;
    await new Promise<void>((resolve) => {
      child.once("exit", () => resolve());
      child.kill("SIGKILL");
    });
  }
}

/** The runner every function process starts from (written once into `dir`). */
export function writeRunner(dir: string): string {
  const file = join(dir, "deploy-lambda-runner.cjs");
  writeFileSync(file, RUNNER);
  return file;
}

/** The environment of a function's process: the template's variables plus what Lambda itself sets. */
export function lambdaEnv(
  fn: DeployedFunction,
  region: string,
  endpoint: string,
  extra: Record<string, string> = {},
) {
  return {
    PATH: process.env.PATH ?? "/usr/bin:/bin",
    TZ: "UTC",
    AWS_REGION: region,
    AWS_DEFAULT_REGION: region,
    AWS_LAMBDA_FUNCTION_NAME: fn.id,
    AWS_LAMBDA_FUNCTION_VERSION: "$LATEST",
    AWS_EXECUTION_ENV: "AWS_Lambda_nodejs22.x",
    LAMBDA_TASK_ROOT: fn.assetDir,
    AWS_ACCESS_KEY_ID: fn.id,
    AWS_SECRET_ACCESS_KEY: "deploy-suite",
    AWS_SESSION_TOKEN: "deploy-suite",
    AWS_EC2_METADATA_DISABLED: "true",
    AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: "true",
    // Every service the SDK may reach: DynamoDB (recording proxy), the recording fakes, and any
    // other service to the same server, which answers UnknownService (nothing leaves the machine).
    AWS_ENDPOINT_URL: endpoint,
    AWS_ENDPOINT_URL_DYNAMODB: endpoint,
    AWS_ENDPOINT_URL_SFN: endpoint,
    AWS_ENDPOINT_URL_SCHEDULER: endpoint,
    AWS_ENDPOINT_URL_SNS: endpoint,
    AWS_ENDPOINT_URL_SECRETS_MANAGER: endpoint,
    ...fn.env,
    ...extra,
  };
}

// Starts a local stack for a test file (sharing the global DynamoDB Local) and talks to it over
// real HTTP with real tokens.
import { randomBytes } from "node:crypto";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { inject } from "vitest";
import { type LocalStack, type LocalStackOptions, startLocalStack } from "#local/local-stack.ts";
import type { Run } from "#schemas/run.ts";
import { type ConformanceOptions, conformanceRecorder } from "./conformance.ts";
import { ALL_TEST_REGISTRY } from "./test-jobs.ts";

export type Reply = { status: number; headers: Headers; body: any };

export type Harness = {
  stack: LocalStack;
  url: string;
  token(groups?: ("admin" | "viewer")[], sub?: string): Promise<string>;
  call(
    method: string,
    path: string,
    opts?: { token?: string | null; body?: unknown; headers?: Record<string, string>; raw?: string },
  ): Promise<Reply>;
  admin(method: string, path: string, body?: unknown, headers?: Record<string, string>): Promise<Reply>;
  waitForRun(id: string, done: (r: Run) => boolean, timeoutMs?: number): Promise<Run>;
  /** Answers so far that do not match the OpenAPI document. */
  mismatches: string[];
  /** Stops the stack; throws when any answer did not match the OpenAPI document. */
  stop(): Promise<void>;
};

export type HarnessOptions = Partial<LocalStackOptions> & { conformance?: ConformanceOptions };

export async function startHarness(options: HarnessOptions = {}): Promise<Harness> {
  const { conformance: conformanceOptions, ...opts } = options;
  // Every answer of this stack is checked against the published OpenAPI document.
  const recorder = conformanceRecorder(conformanceOptions);
  const stack = await startLocalStack({
    port: 0,
    dataDir: mkdtempSync(join(tmpdir(), "jobdeck-test-")),
    dynamoEndpoint: inject("dynamoEndpoint"),
    tablePrefix: `t${randomBytes(4).toString("hex")}`,
    jobs: ALL_TEST_REGISTRY,
    staticDir: null,
    // Tests fire schedules on purpose (scheduler.tick() or their own stack), never by accident.
    scheduler: false,
    defaultSchedules: false,
    // Several tests start many runs as one user on purpose; the rate-limit test sets its own.
    triggersPerMinute: 0,
    ...opts,
    onAnswer: (a) => {
      recorder.onAnswer(a);
      opts.onAnswer?.(a);
    },
  });
  const url = stack.url;
  const tokens = new Map<string, string>();
  const token = async (groups: ("admin" | "viewer")[] = ["admin"], sub = "tester") => {
    const k = `${sub}:${groups.join(",")}`;
    let t = tokens.get(k);
    if (!t) {
      const res = await fetch(`${url}/local/token`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ sub, groups, email: `${sub}@example.test` }),
      });
      t = ((await res.json()) as { token: string }).token;
      tokens.set(k, t);
    }
    return t;
  };
  const call: Harness["call"] = async (method, path, o = {}) => {
    const headers: Record<string, string> = { ...(o.headers ?? {}) };
    if (o.token) headers.authorization = `Bearer ${o.token}`;
    let body: string | undefined = o.raw;
    if (o.body !== undefined) {
      body = JSON.stringify(o.body);
      headers["content-type"] ??= "application/json";
    }
    const res = await fetch(`${url}${path}`, { method, headers, body });
    const text = await res.text();
    let parsed: unknown = text;
    try {
      parsed = text ? JSON.parse(text) : null;
    } catch {
      // not JSON: keep text
    }
    return { status: res.status, headers: res.headers, body: parsed };
  };
  const admin: Harness["admin"] = async (method, path, body, headers) =>
    call(method, path, { token: await token(["admin"]), body, headers });
  const waitForRun: Harness["waitForRun"] = async (id, done, timeoutMs = 30_000) => {
    const deadline = Date.now() + timeoutMs;
    let last: Run | null = null;
    while (Date.now() < deadline) {
      const r = await admin("GET", `/v1/runs/${id}`);
      if (r.status === 200) {
        last = r.body as Run;
        if (done(last)) return last;
      }
      await new Promise((res) => setTimeout(res, 100));
    }
    throw new Error(`run ${id} did not reach the expected state; last: ${JSON.stringify(last)}`);
  };
  const stop = async () => {
    await stack.stop({ graceMs: 2000 });
    if (recorder.mismatches.length) {
      const shown = [...new Set(recorder.mismatches)].slice(0, 20);
      throw new Error(
        `${recorder.mismatches.length} of ${recorder.answers} answers do not match openapi.json:\n${shown.join("\n")}`,
      );
    }
  };
  return { stack, url, token, call, admin, waitForRun, mismatches: recorder.mismatches, stop };
}

export const isFinished = (r: Run) => !["RUNNING", "QUEUED"].includes(r.status);

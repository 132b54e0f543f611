// The ASL files CDK deploys: valid, and every Task resource a substitution that the workflows
// construct provides and that names a function whose entry file exists.
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import aslValidator from "asl-validator";
import { describe, expect, it } from "vitest";
import { ASL_SUBSTITUTIONS, RUN_JOB_ASL } from "#cdk/constructs/workflows.ts";
import { PROJECT_ROOT } from "#cdk/functions.ts";
import { JOBS } from "#jobs/all-jobs.ts";
import {
  ECS_RUN_TASK_SYNC,
  FARGATE_WORKER_STATE_FILE,
  readRunJobTemplates,
  renderRunJobDefinition,
  substitutionNames,
} from "#workflow/run-job-asl.ts";
import { fargateJob } from "./fargate-job.ts";

type State = {
  Type: string;
  Resource?: string;
  Parameters?: Record<string, unknown>;
  States?: unknown;
  Iterator?: unknown;
  ItemProcessor?: unknown;
  Branches?: unknown[];
};

const DIR = join(PROJECT_ROOT, "statemachines");
const FILES = readdirSync(DIR).filter((f) => f.endsWith(".asl.json"));
const PLACEHOLDER = /\$\{(\w+)\}/g;

/** Every state, nested ones (Map, Parallel) included. */
function allStates(def: { States: Record<string, State> }): [string, State][] {
  const out: [string, State][] = [];
  for (const [name, state] of Object.entries(def.States)) {
    out.push([name, state]);
    for (const nested of [state.Iterator, state.ItemProcessor, ...(state.Branches ?? [])]) {
      if (nested && typeof nested === "object" && "States" in nested) out.push(...allStates(nested as never));
    }
  }
  return out;
}

/** Where `${...}` appears: JSON paths and whether the value holding it is a string. */
function placeholders(value: unknown, path = "$"): { path: string; name: string; inString: boolean }[] {
  if (typeof value === "string")
    return [...value.matchAll(PLACEHOLDER)].map((m) => ({ path, name: m[1]!, inString: true }));
  if (Array.isArray(value)) return value.flatMap((v, i) => placeholders(v, `${path}[${i}]`));
  if (value && typeof value === "object") {
    return Object.entries(value).flatMap(([k, v]) => [
      ...[...k.matchAll(PLACEHOLDER)].map((m) => ({ path: `${path}.${k}`, name: m[1]!, inString: false })),
      ...placeholders(v, `${path}.${k}`),
    ]);
  }
  return [];
}

const FAKE_ARN = "arn:aws:lambda:ap-northeast-1:123456789012:function:jobdeck-fake";

describe.each(FILES)("statemachines/%s", (file) => {
  const text = readFileSync(join(DIR, file), "utf8");
  const definition = JSON.parse(text) as { States: Record<string, State> };

  it("passes asl-validator as written and with its substitutions applied (ARN and path checks)", () => {
    const raw = aslValidator(definition, { checkArn: true, checkPaths: true });
    expect(raw.errors).toEqual([]);
    const substituted = JSON.parse(text.replace(PLACEHOLDER, FAKE_ARN)) as unknown;
    const checked = aslValidator(substituted, { checkArn: true, checkPaths: true });
    expect(checked.errors).toEqual([]);
    expect(checked.isValid).toBe(true);
  });

  it("is JSONPath (the local interpreter does not run JSONata)", () => {
    expect((definition as { QueryLanguage?: string }).QueryLanguage ?? "JSONPath").toBe("JSONPath");
  });

  it("uses substitutions only inside string values, and only those the workflows construct provides", () => {
    const found = placeholders(definition);
    expect(found.length).toBeGreaterThan(0);
    for (const p of found) {
      expect(p.inString, p.path).toBe(true);
      expect(Object.keys(ASL_SUBSTITUTIONS), p.path).toContain(p.name);
    }
  });

  it("calls, in each Task, a substitution that names a catalog function whose entry file exists", () => {
    const tasks = allStates(definition).filter(([, s]) => s.Type === "Task");
    expect(tasks.length).toBeGreaterThan(0);
    for (const [name, task] of tasks) {
      const target =
        task.Resource === "arn:aws:states:::lambda:invoke"
          ? (task.Parameters?.FunctionName as string | undefined)
          : task.Resource;
      const match = /^\$\{(\w+)\}$/.exec(target ?? "");
      expect(match, `${name} calls ${target}`).not.toBeNull();
      const key = match![1] as keyof typeof ASL_SUBSTITUTIONS;
      expect(Object.keys(ASL_SUBSTITUTIONS), name).toContain(key);
      for (const job of JOBS) {
        const spec = ASL_SUBSTITUTIONS[key](job);
        expect(existsSync(join(PROJECT_ROOT, spec.entry)), `${name} → ${spec.id} (${spec.entry})`).toBe(true);
        const source = readFileSync(join(PROJECT_ROOT, spec.entry), "utf8");
        expect(source, `${spec.entry} exports handler`).toMatch(
          /export\s+(const|async function|function)\s+handler\b/,
        );
      }
    }
  });
});

describe(`${FARGATE_WORKER_STATE_FILE}, rendered into a fargate job's definition`, () => {
  const SUBNETS = 3;
  const text = JSON.stringify(renderRunJobDefinition(readRunJobTemplates(PROJECT_ROOT), fargateJob, SUBNETS));
  const definition = JSON.parse(text) as { States: Record<string, State> };
  /** Values of the kind the workflows construct substitutes (ARNs, ids). */
  const fake: Record<string, string> = {
    StepsFunctionArn: FAKE_ARN,
    ClusterArn: "arn:aws:ecs:ap-northeast-1:123456789012:cluster/jobdeck",
    TaskDefinitionArn: "arn:aws:ecs:ap-northeast-1:123456789012:task-definition/Jobdeck-test-long_haul:3",
    TaskSecurityGroupId: "sg-0123456789abcdef0",
    ...Object.fromEntries(
      Array.from({ length: SUBNETS }, (_, i) => [`Subnet${i}`, `subnet-0${i}23456789abcdef`]),
    ),
  };

  it("passes asl-validator as rendered and with its substitutions applied", () => {
    const raw = aslValidator(definition, { checkArn: true, checkPaths: true });
    expect(raw.errors).toEqual([]);
    const substituted = JSON.parse(text.replace(PLACEHOLDER, (_m, name: string) => fake[name] ?? "MISSING"));
    const checked = aslValidator(substituted, { checkArn: true, checkPaths: true });
    expect(checked.errors).toEqual([]);
    expect(checked.isValid).toBe(true);
  });

  it("runs the task with .sync and uses exactly the substitutions the workflows construct provides for it", () => {
    expect(definition.States.RunWorker?.Resource).toBe(ECS_RUN_TASK_SYNC);
    const found = placeholders(definition);
    for (const p of found) expect(p.inString, p.path).toBe(true);
    expect([...new Set(found.map((p) => p.name))].sort()).toEqual(
      ["StepsFunctionArn", ...substitutionNames(fargateJob, SUBNETS)].sort(),
    );
  });
});

describe("the deployed template", () => {
  it("is the one the workflows construct reads", () => {
    expect(FILES).toContain(RUN_JOB_ASL.replace(/^statemachines\//, ""));
  });
});

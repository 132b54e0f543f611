// Synthesizes the jobdeck stack in process, as `cdk synth` would (cdk.json's context), with
// esbuild bundling skipped: the template is what matters here, not the bundles.
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import {
  App,
  type IPolicyValidationContext,
  type IPolicyValidationPlugin,
  type PolicyValidationPluginReport,
  Validations,
} from "aws-cdk-lib";
import { Template } from "aws-cdk-lib/assertions";
import type { IConstruct } from "constructs";
import { loadJobDataFiles, PROJECT_ROOT } from "#cdk/functions.ts";
import { JobdeckStack } from "#cdk/jobdeck-stack.ts";
import { settingsFromContext } from "#cdk/settings.ts";
import type { JobDefinition } from "#domain/jobs/job-definition.ts";

export const CDK_JSON = JSON.parse(readFileSync(join(PROJECT_ROOT, "cdk.json"), "utf8")) as {
  app: string;
  context: Record<string, unknown>;
  [k: string]: unknown;
};

export type Synthesized = {
  app: App;
  stack: JobdeckStack;
  template: Template;
  /** The cloud assembly directory (assets). */
  outdir: string;
  json: { Resources: Record<string, { Type: string; Properties?: any; [k: string]: unknown }> };
};

const outdirs: string[] = [];

/** Deletes the cloud assemblies made so far (each holds CDK's 22 MB AWS CLI layer): call in afterAll. */
export function removeSynthOutputs(): void {
  for (const dir of outdirs.splice(0)) rmSync(dir, { recursive: true, force: true });
}

export async function synthJobdeck(
  options: {
    jobs?: readonly JobDefinition[];
    context?: Record<string, unknown>;
    /** Register plugins (cdk-nag, lib/guard.ts controlTowerChecks) before synthesis, after the stack is built. */
    plugins?: (app: App) => Parameters<ReturnType<typeof Validations.of>["addPlugins"]>;
  } = {},
): Promise<Synthesized> {
  const outdir = mkdtempSync(join(tmpdir(), "jobdeck-cdk-"));
  outdirs.push(outdir);
  const app = new App({
    context: { ...CDK_JSON.context, ...options.context, "aws:cdk:bundling-stacks": [] },
    outdir,
  });
  const settings = settingsFromContext(app.node);
  const stack = new JobdeckStack(app, "Jobdeck", {
    env: { region: settings.region },
    settings,
    jobs: options.jobs,
    jobDataFiles: await loadJobDataFiles(),
  });
  if (options.plugins) Validations.of(app).addPlugins(...options.plugins(app));
  const assembly = app.synth();
  const template = Template.fromJSON(
    JSON.parse(readFileSync(join(assembly.directory, stack.templateFile), "utf8")) as Record<string, unknown>,
  );
  return { app, stack, template, outdir: assembly.directory, json: template.toJSON() as Synthesized["json"] };
}

/** Resources of one type, by logical id. */
export function resourcesOf(json: Synthesized["json"], type: string): [string, any][] {
  return Object.entries(json.Resources).filter(([, r]) => r.Type === type);
}

/** Every statement of every identity policy (inline role policies and AWS::IAM::Policy). */
export function policyStatements(json: Synthesized["json"]): { owner: string; statement: any }[] {
  const out: { owner: string; statement: any }[] = [];
  for (const [id, r] of Object.entries(json.Resources)) {
    const docs: any[] = [];
    if (r.Type === "AWS::IAM::Policy" || r.Type === "AWS::IAM::ManagedPolicy")
      docs.push(r.Properties.PolicyDocument);
    if (r.Type === "AWS::IAM::Role") for (const p of r.Properties.Policies ?? []) docs.push(p.PolicyDocument);
    for (const doc of docs) for (const statement of doc.Statement) out.push({ owner: id, statement });
  }
  return out;
}

export const asList = <T>(v: T | T[] | undefined): T[] => (v === undefined ? [] : Array.isArray(v) ? v : [v]);

/** An acknowledgement recorded with `Validations.of(scope).acknowledge(id, reason)`, as stored. */
export type RecordedAck = { id: string; path: string; reason: string };

/** Every acknowledgement recorded on `root` or below it (cdk-nag's and the Control Tower checks'). */
export function recordedAcknowledgements(root: IConstruct): RecordedAck[] {
  const out: RecordedAck[] = [];
  for (const c of root.node.findAll()) {
    for (const entry of c.node.metadata) {
      if (entry.type !== Validations.ACKNOWLEDGED_RULES_METADATA_KEY) continue;
      for (const [id, reason] of Object.entries(entry.data as Record<string, string>)) {
        out.push({ id, path: c.node.path, reason });
      }
    }
  }
  return out;
}

/** An acknowledgement at `ackPath` covers a finding at `path`: the same construct or one below it. */
export const coversPath = (ackPath: string, path: string) =>
  path === ackPath || path.startsWith(`${ackPath}/`);

/** `{"Fn::Join": ["", [...]]}` etc. as a readable string: `<Logical.Attr>`, `<AWS::Region>`. */
export function flat(v: any): string {
  if (typeof v === "string") return v;
  if (v?.Ref) return `<${v.Ref}>`;
  if (v?.["Fn::GetAtt"]) return `<${asList(v["Fn::GetAtt"]).join(".")}>`;
  if (v?.["Fn::Join"]) return v["Fn::Join"][1].map(flat).join(v["Fn::Join"][0]);
  if (v?.["Fn::Sub"]) return String(v["Fn::Sub"]);
  return JSON.stringify(v);
}

/** A validator as registered, keeping a copy of its report before CDK drops the acknowledged findings. */
export class Recorder implements IPolicyValidationPlugin {
  readonly name: string;
  raw: PolicyValidationPluginReport | undefined;
  constructor(private readonly inner: IPolicyValidationPlugin) {
    this.name = inner.name;
  }
  validate(context: IPolicyValidationContext): PolicyValidationPluginReport {
    const report = this.inner.validate(context);
    this.raw = structuredClone(report);
    return report;
  }
}

// AWS Control Tower proactive controls (cfn-guard rules, run by @cdklabs/cdk-validator-cfnguard's bundled
// binary; nothing is downloaded) on every synth, beside cdk-nag. Every finding jobdeck keeps is
// acknowledged here, one line each, with the reason: test/infra/guard.test.ts requires that no finding
// is left open and that every acknowledgement still matches a finding.
import { readdirSync, readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { basename, dirname, join } from "node:path";
import { CfnGuardValidator } from "@cdklabs/cdk-validator-cfnguard";
import {
  CfnResource,
  type IPolicyValidationContext,
  type IPolicyValidationPlugin,
  type PolicyValidationPluginReport,
  Stack,
  Validations,
} from "aws-cdk-lib";
import type { CfnRoute } from "aws-cdk-lib/aws-apigatewayv2";
import type { CfnPermission } from "aws-cdk-lib/aws-lambda";
import type { IConstruct } from "constructs";
import { MIN_REASON_LENGTH } from "./nag.ts";

/** The validator's name: acknowledgement ids are `${GUARD_PLUGIN_NAME}::<guard rule name>`. */
export const GUARD_PLUGIN_NAME = "cdk-validator-cfnguard";

const RULES_DIR = join(
  dirname(createRequire(import.meta.url).resolve("@cdklabs/cdk-validator-cfnguard/package.json")),
  "rules/control-tower/cfn-guard",
);

type RuleFile = { file: string; control: string; rule: string; types: string[] };

let ruleFiles: RuleFile[] | undefined;
/** The bundled Control Tower rule files: control id (CT.S3.PR.1), guard rule name, resource types. */
export function controlTowerRules(): RuleFile[] {
  ruleFiles ??= readdirSync(RULES_DIR, { recursive: true, encoding: "utf8" })
    .filter((f) => f.endsWith(".guard"))
    .map((f) => {
      const text = readFileSync(join(RULES_DIR, f), "utf8");
      const rule = /^rule (\w+) when/m.exec(text)?.[1];
      if (!rule) throw new Error(`no rule in ${f}`);
      const control = basename(f, ".guard").toUpperCase().replace(/-/g, ".");
      const types = [...new Set(text.match(/"AWS::\w+::\w+"/g) ?? [])].map((t) => t.slice(1, -1));
      return { file: join(RULES_DIR, f), control, rule, types };
    });
  return ruleFiles;
}

function ruleOf(control: string): string {
  const found = controlTowerRules().find((r) => r.control === control);
  if (!found) throw new Error(`${control} is not a bundled Control Tower control`);
  return found.rule;
}

/**
 * The Control Tower validator, run only with the rule files that name a resource type the templates
 * hold (a rule filters `Resources.*[ Type == ... ]`, so the others cannot fire): 56 of 237 files
 * today, about 1.4 s instead of 4.6 s for cfn-guard on this stack.
 */
export class ControlTowerChecks implements IPolicyValidationPlugin {
  readonly name = GUARD_PLUGIN_NAME;
  readonly version = (
    createRequire(import.meta.url)("@cdklabs/cdk-validator-cfnguard/package.json") as { version: string }
  ).version;

  validate(context: IPolicyValidationContext): PolicyValidationPluginReport {
    const types = new Set<string>();
    for (const path of context.templatePaths) {
      const template = JSON.parse(readFileSync(path, "utf8")) as {
        Resources?: Record<string, { Type: string }>;
      };
      for (const r of Object.values(template.Resources ?? {})) types.add(r.Type);
    }
    const disabledRules = controlTowerRules()
      .filter((r) => r.types.length > 0 && !r.types.some((t) => types.has(t)))
      .map((r) => basename(r.file, ".guard"));
    const report = new CfnGuardValidator({ disabledRules }).validate(context);
    // The validator leaves severity unset; CDK then re-judges a report with one acknowledged finding by
    // severity alone, and the open findings left in it would no longer fail the synth.
    return {
      ...report,
      violations: report.violations.map((v) => ({ ...v, severity: v.severity ?? "error" })),
    };
  }
}

/** Acknowledges one Control Tower control on one construct (a reason is required, as for cdk-nag). */
export function acknowledgeControl(construct: IConstruct, control: string, reason: string): void {
  if (reason.trim().length < MIN_REASON_LENGTH) {
    throw new Error(
      `acknowledgement ${control} on ${construct.node.path} needs a real reason, got '${reason}'`,
    );
  }
  Validations.of(construct).acknowledge({ id: `${GUARD_PLUGIN_NAME}::${ruleOf(control)}`, reason });
}

/** Which CloudFormation resources an acknowledgement covers: by type, optionally narrowed. */
type Selector = { type: string; path?: string; where?: (resource: CfnResource) => boolean };

/** The findings jobdeck keeps, one line each: the control, the resources, the reason. */
export const CONTROL_TOWER_ACKNOWLEDGEMENTS: readonly { control: string; on: Selector; reason: string }[] = [
  {
    control: "CT.LAMBDA.PR.2",
    on: { type: "AWS::Lambda::Permission", where: (r) => isJoin(r, (r as CfnPermission).sourceArn) },
    // API Gateway's invoke permissions (the EventBridge rules' ones pass: their SourceArn is a GetAtt)
    reason:
      "False positive: each permission has SourceArn = this API's execute-api ARN; the rule takes only a literal or a GetAtt/Ref, and no resource returns that ARN (Fn::Join and Fn::Sub both fail, checked).",
  },
  {
    control: "CT.LAMBDA.PR.3",
    on: { type: "AWS::Lambda::Function" },
    reason:
      "No function reaches a private resource; a VPC would need NAT or endpoints for DynamoDB, Step Functions, Scheduler, SNS, Secrets Manager and Logs (~USD 30+/month) for no gain.",
  },
  {
    control: "CT.CLOUDWATCH.PR.2",
    on: { type: "AWS::Logs::LogGroup" },
    reason:
      "Log retention follows the retentionDays setting (90 in cdk.json, as the runs' TTL); an account that must keep logs a year sets retentionDays to 365 (or 0 = never expire).",
  },
  {
    control: "CT.CLOUDWATCH.PR.3",
    on: { type: "AWS::Logs::LogGroup" },
    reason:
      "Not worth a customer key (USD 1/month + a key policy every log group depends on): CloudWatch Logs already encrypts at rest, IAM decides who reads, and these are run/job records, not secrets.",
  },
  {
    control: "CT.APIGATEWAY.PR.5",
    on: { type: "AWS::ApiGatewayV2::Route", where: (r) => (r as CfnRoute).routeKey === "GET /healthz" },
    reason:
      "GET /healthz is the unauthenticated liveness probe (spec/api.md); it returns no data. Every other route has the JWT authorizer.",
  },
  {
    control: "CT.CLOUDFRONT.PR.4",
    on: { type: "AWS::CloudFront::Distribution" },
    reason:
      "Origin failover needs a second bucket (another region) kept in sync; the admin page is a static convenience UI, its API is the product.",
  },
  ...["CT.CLOUDFRONT.PR.6", "CT.CLOUDFRONT.PR.7", "CT.CLOUDFRONT.PR.9"].map((control) => ({
    control,
    on: { type: "AWS::CloudFront::Distribution" },
    reason:
      "The admin page is served on CloudFront's default *.cloudfront.net certificate (TLS 1.2+, SNI by CloudFront); a custom domain, its ACM certificate and security policy are the operator's choice, not set here.",
  })),
  {
    control: "CT.S3.PR.10",
    on: { type: "AWS::S3::Bucket" },
    reason:
      "SSE-S3 on purpose: CloudFront standard logging cannot write to an SSE-KMS bucket, and the public site's files gain nothing from a customer key (USD 1/month + CloudFront OAC key grants).",
  },
  {
    control: "CT.S3.PR.2",
    on: { type: "AWS::S3::Bucket", path: "AdminSite/LogBucket" },
    reason:
      "This is the log bucket itself (it receives the site bucket's access logs and CloudFront's logs); logging it would need yet another bucket.",
  },
  {
    control: "CT.S3.PR.11",
    on: { type: "AWS::S3::Bucket", path: "AdminSite/SiteBucket" },
    reason:
      "The site bucket is a build output redeployed whole from git on every deploy; versions would keep old bundles and stop the deployment's delete from emptying the bucket.",
  },
  {
    control: "CT.S3.PR.4",
    on: { type: "AWS::S3::Bucket" },
    reason:
      "No one consumes bucket events: the site bucket changes only through the deployment, the log bucket only by AWS log delivery.",
  },
  {
    control: "CT.S3.PR.9",
    on: { type: "AWS::S3::Bucket" },
    reason:
      "Object Lock (WORM) contradicts both buckets' lifecycles: the site is replaced on every deploy and logs expire after the retention period.",
  },
];

/** Whether CloudFormation gets `value` as an Fn::Join (how CDK renders a string made of tokens). */
function isJoin(resource: CfnResource, value: unknown): boolean {
  const resolved = Stack.of(resource).resolve(value) as unknown;
  return typeof resolved === "object" && resolved !== null && "Fn::Join" in resolved;
}

function matches(resource: CfnResource, on: Selector): boolean {
  if (resource.cfnResourceType !== on.type) return false;
  const stackPath = Stack.of(resource).node.path;
  const relative = resource.node.path.slice(stackPath.length + 1);
  if (on.path && relative !== `${on.path}/Resource` && relative !== on.path) return false;
  return on.where === undefined || on.where(resource);
}

/**
 * Records CONTROL_TOWER_ACKNOWLEDGEMENTS on the resources they select, and returns the validator to
 * register: `Validations.of(app).addPlugins(controlTowerChecks(app))`, after the stacks are built.
 */
export function controlTowerChecks(scope: IConstruct): ControlTowerChecks {
  for (const c of scope.node.findAll()) {
    if (!CfnResource.isCfnResource(c)) continue;
    for (const ack of CONTROL_TOWER_ACKNOWLEDGEMENTS)
      if (matches(c, ack.on)) acknowledgeControl(c, ack.control, ack.reason);
  }
  return new ControlTowerChecks();
}

// cdk-nag acknowledgements: one place so that every one carries a reason a reviewer can judge.
import { Stack, Validations } from "aws-cdk-lib";
import type { IConstruct } from "constructs";

/** Reasons shorter than this are not reasons (test/infra/nag.test.ts checks the same bound). */
export const MIN_REASON_LENGTH = 20;

/** Acknowledges one cdk-nag finding (granular ids like `AwsSolutions-IAM5[Resource::*]` included). */
export function acknowledge(construct: IConstruct, id: string, reason: string): void {
  if (reason.trim().length < MIN_REASON_LENGTH) {
    throw new Error(`acknowledgement ${id} on ${construct.node.path} needs a real reason, got '${reason}'`);
  }
  Validations.of(construct).acknowledge({ id, reason });
}

export const REASONS = {
  xray:
    "X-Ray PutTraceSegments / PutTelemetryRecords (and GetSampling* for Step Functions) support no resource-level " +
    "permissions; AWS documents Resource '*' for them. Added by CDK for active tracing.",
  nodeRuntime:
    "Node.js 22 is the project's deliberate runtime (bundles target node22, the same as the local stack and the " +
    "bench); moving to a newer runtime is a separate, tested change.",
  sfnLogDelivery:
    "Step Functions logging to CloudWatch Logs needs logs:*LogDelivery, PutResourcePolicy, DescribeResourcePolicies " +
    "and DescribeLogGroups, which support no resource-level permissions (AWS docs: Resource '*'). Added by CDK.",
} as const;

type Intrinsic =
  | string
  | { Ref?: string; "Fn::GetAtt"?: string[]; "Fn::Join"?: [string, Intrinsic[]]; "Fn::Sub"?: string };

function render(value: Intrinsic): string {
  if (typeof value === "string") return value;
  if (value.Ref !== undefined) return `<${value.Ref}>`;
  if (value["Fn::GetAtt"]) return `<${value["Fn::GetAtt"].join(".")}>`;
  if (value["Fn::Join"]) return value["Fn::Join"][1].map(render).join(value["Fn::Join"][0]);
  if (value["Fn::Sub"] !== undefined) return value["Fn::Sub"].replace(/\$\{([^}]+)\}/g, "<$1>");
  throw new Error(`cannot render ${JSON.stringify(value)} as a cdk-nag finding id`);
}

/**
 * The id cdk-nag gives an IAM5 finding on `resource` (an ARN string that may hold tokens): tokens
 * become `<LogicalId>` / `<LogicalId.Attr>` / `<AWS::Pseudo>`, as cdk-nag prints them.
 */
export function iam5ResourceId(scope: IConstruct, resource: string): string {
  return `AwsSolutions-IAM5[Resource::${render(Stack.of(scope).resolve(resource) as Intrinsic)}]`;
}

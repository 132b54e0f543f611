// Reads the synthesized template as CloudFormation would deploy it, for the deploy suite: its
// intrinsics (Ref, Fn::GetAtt, Fn::Join, Fn::Sub, Fn::Select, Fn::Split) resolved to local values
// (table names of this run's DynamoDB Local tables, fake ARNs in one fake account), the project's
// Lambda functions with their bundles, and each role's IAM statements evaluated as IAM would.
import { readFileSync } from "node:fs";
import { join } from "node:path";

export const ACCOUNT = "123456789012";

type Resource = { Type: string; Properties?: any; Metadata?: Record<string, string> };
export type TemplateJson = { Resources: Record<string, Resource> };

export type DeployedFunction = {
  id: string;
  arn: string;
  /** The bundle directory in the cloud assembly (the function's Code asset). */
  assetDir: string;
  handler: string;
  env: Record<string, string>;
  roleId: string;
};

export type Statement = { Effect: "Allow" | "Deny"; Action: string[]; Resource: string[]; Condition?: any };

export class DeployedTemplate {
  readonly json: TemplateJson;
  readonly region: string;

  constructor(
    readonly assembly: string,
    /** Prefix of this run's table names (one per test file). */
    readonly tablePrefix: string,
  ) {
    this.json = JSON.parse(readFileSync(join(assembly, "Jobdeck.template.json"), "utf8")) as TemplateJson;
    this.region = "ap-northeast-1";
  }

  resource(id: string): Resource {
    const r = this.json.Resources[id];
    if (!r) throw new Error(`the template has no resource ${id}`);
    return r;
  }

  ofType(type: string): [string, Resource][] {
    return Object.entries(this.json.Resources).filter(([, r]) => r.Type === type);
  }

  private arn(service: string, rest: string, region = this.region): string {
    return `arn:aws:${service}:${region}:${ACCOUNT}:${rest}`;
  }

  tableName(id: string): string {
    return `${this.tablePrefix}${id}`;
  }

  ref(id: string): string {
    switch (id) {
      case "AWS::AccountId":
        return ACCOUNT;
      case "AWS::Region":
        return this.region;
      case "AWS::Partition":
        return "aws";
      case "AWS::URLSuffix":
        return "amazonaws.com";
      case "AWS::StackName":
        return "Jobdeck";
      case "AWS::NoValue":
        return "";
    }
    const r = this.resource(id);
    switch (r.Type) {
      case "AWS::DynamoDB::GlobalTable":
      case "AWS::DynamoDB::Table":
        return this.tableName(id);
      case "AWS::Lambda::Function":
        return id;
      case "AWS::SNS::Topic":
        return this.arn("sns", id);
      case "AWS::SecretsManager::Secret":
        return this.arn("secretsmanager", `secret:${id}-AbCdEf`);
      case "AWS::Logs::LogGroup":
        return `/aws/lambda/${id}`;
      case "AWS::StepFunctions::StateMachine":
        return this.arn("states", `stateMachine:${r.Properties.StateMachineName ?? id}`);
      case "AWS::Scheduler::ScheduleGroup":
        return r.Properties.Name ?? id;
      case "AWS::SQS::Queue":
        return `https://sqs.${this.region}.amazonaws.com/${ACCOUNT}/${id}`;
      case "AWS::IAM::Role":
        return id;
      case "AWS::ApiGatewayV2::Api":
        return "a1b2c3d4e5";
      // issue 15: ECS answers a task definition's ARN (revision 1 here) and a cluster's name
      case "AWS::ECS::TaskDefinition":
        return this.arn("ecs", `task-definition/${r.Properties.Family ?? id}:1`);
      case "AWS::ECS::Cluster":
        return id;
      default:
        return id;
    }
  }

  getAtt(id: string, attr: string): string {
    const r = this.resource(id);
    const key = `${r.Type}.${attr}`;
    switch (key) {
      case "AWS::DynamoDB::GlobalTable.Arn":
      case "AWS::DynamoDB::Table.Arn":
        return this.arn("dynamodb", `table/${this.tableName(id)}`);
      case "AWS::Lambda::Function.Arn":
        return this.arn("lambda", `function:${id}`);
      case "AWS::IAM::Role.Arn":
        return `arn:aws:iam::${ACCOUNT}:role/${id}`;
      case "AWS::SQS::Queue.Arn":
        return this.arn("sqs", id);
      case "AWS::Logs::LogGroup.Arn":
        return this.arn("logs", `log-group:/aws/lambda/${id}:*`);
      case "AWS::KMS::Key.Arn":
        return this.arn("kms", `key/${id}`);
      case "AWS::StepFunctions::StateMachine.Arn":
        return this.ref(id);
      case "AWS::Events::Rule.Arn":
        return this.arn("events", `rule/${id}`);
      case "AWS::Scheduler::ScheduleGroup.Arn":
        return this.arn("scheduler", `schedule-group/${this.ref(id)}`);
      case "AWS::CloudFront::Distribution.DomainName":
        return "d111111abcdef8.cloudfront.net";
      case "AWS::ECS::Cluster.Arn":
        return this.arn("ecs", `cluster/${id}`);
      case "AWS::EC2::SecurityGroup.GroupId":
        return `sg-${id.slice(0, 8).toLowerCase()}`;
      case "AWS::S3::Bucket.Arn":
        return `arn:aws:s3:::${id.toLowerCase()}`;
      default:
        return `arn:aws:fake:${this.region}:${ACCOUNT}:${id}/${attr}`;
    }
  }

  /** A template value with every intrinsic resolved. */
  resolve(value: any): any {
    if (Array.isArray(value)) return value.map((v) => this.resolve(v));
    if (value === null || typeof value !== "object") return value;
    const keys = Object.keys(value);
    if (keys.length === 1) {
      const [k] = keys as [string];
      const v = value[k];
      if (k === "Ref") return this.ref(v);
      if (k === "Fn::GetAtt") {
        const [id, attr] = typeof v === "string" ? v.split(".") : v;
        return this.getAtt(id, attr);
      }
      if (k === "Fn::Join") return (this.resolve(v[1]) as unknown[]).join(v[0]);
      if (k === "Fn::Select") return (this.resolve(v[1]) as unknown[])[Number(this.resolve(v[0]))];
      if (k === "Fn::Split") return String(this.resolve(v[1])).split(v[0]);
      if (k === "Fn::Sub") {
        const [text, vars] = typeof v === "string" ? [v, {}] : [v[0], this.resolve(v[1])];
        return (text as string).replace(/\$\{([^}]+)\}/g, (_m, name: string) => {
          if (name in vars) return String(vars[name]);
          const [id, attr] = name.split(".");
          return attr ? this.getAtt(id!, attr) : this.ref(id!);
        });
      }
      if (k.startsWith("Fn::")) throw new Error(`unsupported intrinsic ${k}`);
    }
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, this.resolve(v)]));
  }

  /** The project's functions: Node handlers with the jobdeck environment contract (not CDK's own). */
  functions(): DeployedFunction[] {
    return this.ofType("AWS::Lambda::Function")
      .filter(([, r]) => String(r.Properties.Runtime).startsWith("nodejs"))
      .filter(([, r]) => r.Properties.Environment?.Variables?.POWERTOOLS_SERVICE_NAME !== undefined)
      .map(([id, r]) => {
        const asset = r.Metadata?.["aws:asset:path"];
        if (!asset) throw new Error(`function ${id} has no asset path`);
        const role = r.Properties.Role?.["Fn::GetAtt"]?.[0];
        return {
          id,
          arn: this.getAtt(id, "Arn"),
          assetDir: join(this.assembly, asset),
          handler: r.Properties.Handler,
          env: this.resolve(r.Properties.Environment.Variables) as Record<string, string>,
          roleId: role,
        };
      });
  }

  /** The function behind a Lambda ARN (or name), if the template has it. */
  functionIdOf(arnOrName: string): string | undefined {
    const id = arnOrName.startsWith("arn:") ? arnOrName.split(":")[6] : arnOrName;
    return id && this.json.Resources[id]?.Type === "AWS::Lambda::Function" ? id : undefined;
  }

  /** Every identity statement of a role (its inline policies and the AWS::IAM::Policy naming it). */
  statementsOf(roleId: string): Statement[] {
    const docs: any[] = [];
    const role = this.resource(roleId);
    for (const p of role.Properties.Policies ?? []) docs.push(p.PolicyDocument);
    for (const [, r] of this.ofType("AWS::IAM::Policy"))
      if ((r.Properties.Roles ?? []).some((x: any) => x?.Ref === roleId))
        docs.push(r.Properties.PolicyDocument);
    if ((role.Properties.ManagedPolicyArns ?? []).length)
      throw new Error(`role ${roleId} has managed policies; the deploy suite does not read them`);
    const list = <T>(v: T | T[]): T[] => (Array.isArray(v) ? v : [v]);
    return docs.flatMap((d) =>
      d.Statement.map((s: any) => {
        if (s.NotAction || s.NotResource)
          throw new Error(`role ${roleId}: NotAction/NotResource is not evaluated`);
        return {
          Effect: s.Effect,
          Action: list(s.Action),
          Resource: list(this.resolve(s.Resource)),
          Condition: this.resolve(s.Condition),
        } as Statement;
      }),
    );
  }
}

/** IAM's wildcard match (`*` any run, `?` one character); actions are case-insensitive. */
export function wildcardMatch(pattern: string, value: string, ignoreCase = false): boolean {
  const re = pattern
    .replace(/[.+^${}()|[\]\\]/g, "\\$&")
    .replace(/\*/g, ".*")
    .replace(/\?/g, ".");
  return new RegExp(`^${re}$`, ignoreCase ? "i" : "").test(value);
}

function conditionHolds(condition: any, context: Record<string, string>): boolean {
  if (!condition) return true;
  for (const [op, tests] of Object.entries(condition as Record<string, Record<string, string | string[]>>)) {
    for (const [key, want] of Object.entries(tests)) {
      const have = context[key];
      const wanted = Array.isArray(want) ? want : [want];
      if (op === "StringEquals" && (have === undefined || !wanted.includes(have))) return false;
      if (
        (op === "StringLike" || op === "ArnLike") &&
        (have === undefined || !wanted.some((w) => wildcardMatch(w, have)))
      )
        return false;
      // ARNs compare by their six parts; the suite's ARNs are canonical, so as strings
      if (op === "ArnEquals" && (have === undefined || !wanted.includes(have))) return false;
      if (!["StringEquals", "StringLike", "ArnEquals", "ArnLike"].includes(op)) return false; // unknown operator: fail closed
    }
  }
  return true;
}

/** Whether statements allow `action` on `resource` (an explicit Deny wins), with the matching statement. */
export function allows(
  statements: readonly Statement[],
  action: string,
  resource: string,
  context: Record<string, string> = {},
): boolean {
  const hits = statements.filter(
    (s) =>
      s.Action.some((a) => wildcardMatch(a, action, true)) &&
      s.Resource.some((r) => wildcardMatch(r, resource)) &&
      conditionHolds(s.Condition, context),
  );
  return hits.some((s) => s.Effect === "Allow") && !hits.some((s) => s.Effect === "Deny");
}

// API: Cognito user pool (groups admin / viewer, no self sign-up, optional TOTP MFA, a hosted-UI
// app client with the authorization code grant + PKCE for the admin page), the HTTP API with a JWT
// authorizer on every route of functions/api/routes.ts except GET /healthz, one Lambda function
// per API area, access logs, default throttling and CORS for the admin page's origin only.

import { ArnFormat, Aws, Duration, RemovalPolicy, Stack } from "aws-cdk-lib";
import { AccessLogFormat } from "aws-cdk-lib/aws-apigateway";
import * as apigw from "aws-cdk-lib/aws-apigatewayv2";
import { HttpUserPoolAuthorizer } from "aws-cdk-lib/aws-apigatewayv2-authorizers";
import { HttpLambdaIntegration } from "aws-cdk-lib/aws-apigatewayv2-integrations";
import * as cognito from "aws-cdk-lib/aws-cognito";
import * as iam from "aws-cdk-lib/aws-iam";
import * as logs from "aws-cdk-lib/aws-logs";
import { Construct } from "constructs";
import { REQUEST_HEADERS, RESPONSE_HEADERS } from "#api/contract.ts";
import { type ApiLambda, ROUTES, type Role, routeKey } from "#api/routes.ts";
import type { JobDefinition } from "#domain/jobs/job-definition.ts";
import { startJobExecutions } from "../execution-grants.ts";
import type { EnvValues, LambdaFactory, MadeFunction } from "../functions.ts";
import { API_LAMBDAS } from "../lambda-catalog.ts";
import { acknowledge, iam5ResourceId } from "../nag.ts";
import { executionArnPattern } from "../names.ts";
import { type JobdeckSettings, logRetentionFor } from "../settings.ts";
import { CORE_TABLE_ACCESS } from "../table-access.ts";
import type { JobdeckData } from "./data.ts";
import type { JobdeckSchedules } from "./schedules.ts";

export const USER_GROUPS: readonly Role[] = ["admin", "viewer"];

/** Table access of each API function (reads everywhere; writes only where the area changes data). */
/** Areas that change EventBridge schedules through the schedules service. */
const MANAGES_SCHEDULES: readonly ApiLambda[] = ["schedules"];
/**
 * Areas that start executions (trigger, rerun, a backfill's runs) and stop them (cancel; a backfill's
 * cancel with cancel_running, issue 16 part 2).
 */
const STARTS_EXECUTIONS: readonly ApiLambda[] = ["trigger", "runs"];
const STOPS_EXECUTIONS: readonly ApiLambda[] = ["runs", "trigger"];

export type ApiProps = {
  jobs: readonly JobDefinition[];
  settings: JobdeckSettings;
  factory: LambdaFactory;
  data: JobdeckData;
  schedules: JobdeckSchedules;
  /** SCHEDULING and CURSOR_SECRET_ARN values (tables are bound per function). */
  env: EnvValues;
  /** https://<distribution domain> — the admin page: CORS origin and OAuth callback. */
  siteUrl: string;
  /** job_name → the log groups its runs' lines are in (steps function, job worker): the runs area reads them. */
  runLogGroups: Record<string, logs.ILogGroup[]>;
};

export class JobdeckApi extends Construct {
  readonly userPool: cognito.UserPool;
  readonly client: cognito.UserPoolClient;
  readonly domain: cognito.UserPoolDomain;
  readonly httpApi: apigw.HttpApi;
  readonly stage: apigw.HttpStage;
  readonly functions: Record<ApiLambda, MadeFunction>;
  readonly accessLogs: logs.LogGroup;

  constructor(scope: Construct, id: string, props: ApiProps) {
    super(scope, id);
    const { settings } = props;

    // --- Cognito -------------------------------------------------------------------------------
    this.userPool = new cognito.UserPool(this, "UserPool", {
      selfSignUpEnabled: false,
      signInAliases: { email: true },
      autoVerify: { email: true },
      standardAttributes: { email: { required: true, mutable: true } },
      mfa: cognito.Mfa.OPTIONAL,
      mfaSecondFactor: { otp: true, sms: false },
      passwordPolicy: {
        minLength: 12,
        requireLowercase: true,
        requireUppercase: true,
        requireDigits: true,
        requireSymbols: true,
        tempPasswordValidity: Duration.days(3),
      },
      accountRecovery: cognito.AccountRecovery.EMAIL_ONLY,
      featurePlan: cognito.FeaturePlan.ESSENTIALS,
      deletionProtection: false,
      removalPolicy: RemovalPolicy.DESTROY,
    });
    acknowledge(
      this.userPool,
      "AwsSolutions-COG2",
      "MFA is offered (TOTP, optional) as the issue asks: operators enroll an authenticator app; requiring it " +
        "for every viewer is a policy decision left to the deployer (Cognito console or a context change).",
    );
    acknowledge(
      this.userPool,
      "AwsSolutions-COG8",
      "The Plus feature plan (threat protection / advanced security) is a paid per-MAU tier; Essentials covers " +
        "hosted login, groups and TOTP MFA, which is what the admin page and the JWT authorizer use, for a " +
        "handful of invited operators (no self sign-up).",
    );
    for (const group of USER_GROUPS) {
      new cognito.UserPoolGroup(this, `${group[0]!.toUpperCase()}${group.slice(1)}Group`, {
        userPool: this.userPool,
        groupName: group,
        description: group === "admin" ? "jobdeck: may do everything" : "jobdeck: read-only (GET)",
      });
    }
    this.domain = this.userPool.addDomain("Domain", {
      cognitoDomain: { domainPrefix: settings.cognitoDomainPrefix ?? `jobdeck-${Aws.ACCOUNT_ID}` },
    });
    const redirectUrls = [`${props.siteUrl}/`, ...settings.devCallbackUrls];
    this.client = this.userPool.addClient("AdminPageClient", {
      userPoolClientName: "jobdeck-admin-page",
      generateSecret: false, // a browser app: public client, authorization code grant with PKCE
      authFlows: { userSrp: true },
      oAuth: {
        flows: { authorizationCodeGrant: true, implicitCodeGrant: false },
        scopes: [cognito.OAuthScope.OPENID, cognito.OAuthScope.EMAIL, cognito.OAuthScope.PROFILE],
        callbackUrls: redirectUrls,
        logoutUrls: redirectUrls,
      },
      supportedIdentityProviders: [cognito.UserPoolClientIdentityProvider.COGNITO],
      preventUserExistenceErrors: true,
      enableTokenRevocation: true,
      accessTokenValidity: Duration.hours(1),
      idTokenValidity: Duration.hours(1),
      refreshTokenValidity: Duration.days(30),
    });
    if (settings.adminEmail) {
      const user = new cognito.CfnUserPoolUser(this, "FirstAdminUser", {
        userPoolId: this.userPool.userPoolId,
        username: settings.adminEmail,
        userAttributes: [
          { name: "email", value: settings.adminEmail },
          { name: "email_verified", value: "true" },
        ],
        desiredDeliveryMediums: ["EMAIL"],
      });
      const membership = new cognito.CfnUserPoolUserToGroupAttachment(this, "FirstAdminUserInAdminGroup", {
        userPoolId: this.userPool.userPoolId,
        username: user.ref,
        groupName: "admin",
      });
      membership.node.addDependency(this.node.findChild("AdminGroup"));
    }

    // --- functions -----------------------------------------------------------------------------
    const functions: Partial<Record<ApiLambda, MadeFunction>> = {};
    for (const [lambdaName, spec] of Object.entries(API_LAMBDAS) as [
      ApiLambda,
      (typeof API_LAMBDAS)[ApiLambda],
    ][]) {
      const made = props.factory.create(this, spec, {
        ...props.env,
        RUN_LOG_GROUPS: Stack.of(this).toJsonString(
          Object.fromEntries(
            Object.entries(props.runLogGroups).map(([job, groups]) => [
              job,
              groups.map((g) => g.logGroupName),
            ]),
          ),
        ),
      });
      props.data.bindCore(made, CORE_TABLE_ACCESS[lambdaName]);
      // Areas that page (kinds "api", "api-runs") read the cursor key; meta makes its own (api-function.ts).
      if (spec.kind === "api" || spec.kind === "api-runs") props.data.grantCursorSecret(made.fn);
      if (MANAGES_SCHEDULES.includes(lambdaName)) props.schedules.grantManageSchedules(made);
      functions[lambdaName] = made;
    }
    this.functions = functions as Record<ApiLambda, MadeFunction>;
    for (const area of STARTS_EXECUTIONS)
      this.functions[area].role.addToPolicy(startJobExecutions(this, props.jobs));
    // GET /v1/runs/{id}/logs: FilterLogEvents on exactly the groups a run's lines are in.
    const logGroupArns = [
      ...new Set(
        Object.values(props.runLogGroups)
          .flat()
          .map((g) =>
            Stack.of(this).formatArn({
              service: "logs",
              resource: "log-group",
              resourceName: g.logGroupName,
              arnFormat: ArnFormat.COLON_RESOURCE_NAME,
            }),
          ),
      ),
    ];
    if (logGroupArns.length > 0) {
      this.functions.runs.role.addToPolicy(
        new iam.PolicyStatement({
          sid: "ReadRunLogLines",
          actions: ["logs:FilterLogEvents"],
          resources: logGroupArns,
        }),
      );
    }
    for (const area of STOPS_EXECUTIONS) {
      const executions = props.jobs.map((j) => executionArnPattern(this, j.name));
      const role = this.functions[area].role;
      role.addToPolicy(
        new iam.PolicyStatement({
          sid: "StopJobExecutions",
          actions: ["states:StopExecution"],
          resources: executions,
        }),
      );
      for (const arn of executions) {
        acknowledge(
          role.node.tryFindChild("DefaultPolicy") ?? role,
          iam5ResourceId(this, arn),
          "Execution names are the runs' execution_uuids, known only at run time; the wildcard covers the " +
            "executions of one job state machine of this stack, for StopExecution (cancel) only.",
        );
      }
    }

    // --- HTTP API ------------------------------------------------------------------------------
    this.httpApi = new apigw.HttpApi(this, "HttpApi", {
      apiName: "jobdeck",
      description: "jobdeck control plane API (/v1, /healthz)",
      createDefaultStage: false,
      corsPreflight: {
        allowOrigins: [props.siteUrl],
        allowMethods: [
          apigw.CorsHttpMethod.GET,
          apigw.CorsHttpMethod.POST,
          apigw.CorsHttpMethod.PUT,
          apigw.CorsHttpMethod.PATCH,
          apigw.CorsHttpMethod.DELETE,
          apigw.CorsHttpMethod.OPTIONS,
        ],
        // Exactly the headers of the API's contract (functions/api/contract.ts).
        allowHeaders: ["authorization", "content-type", ...REQUEST_HEADERS.map((h) => h.toLowerCase())],
        exposeHeaders: RESPONSE_HEADERS.map((h) => h.toLowerCase()),
        maxAge: Duration.hours(1),
      },
    });
    this.accessLogs = new logs.LogGroup(this, "AccessLogs", {
      retention: logRetentionFor(settings.retentionDays),
      removalPolicy: RemovalPolicy.DESTROY,
    });
    this.stage = new apigw.HttpStage(this, "DefaultStage", {
      httpApi: this.httpApi,
      stageName: "$default",
      autoDeploy: true,
      throttle: settings.apiThrottle,
      accessLogSettings: {
        destination: new apigw.LogGroupLogDestination(this.accessLogs),
        format: AccessLogFormat.custom(
          JSON.stringify({
            requestId: "$context.requestId",
            ip: "$context.identity.sourceIp",
            requestTime: "$context.requestTime",
            routeKey: "$context.routeKey",
            status: "$context.status",
            responseLength: "$context.responseLength",
            latencyMs: "$context.responseLatency",
            integrationError: "$context.integrationErrorMessage",
            authorizerError: "$context.authorizer.error",
            sub: "$context.authorizer.claims.sub",
            userAgent: "$context.identity.userAgent",
          }),
        ),
      },
    });

    const authorizer = new HttpUserPoolAuthorizer("CognitoJwt", this.userPool, {
      userPoolClients: [this.client],
      identitySource: ["$request.header.Authorization"],
    });
    const integrations = new Map<ApiLambda, HttpLambdaIntegration>();
    for (const route of ROUTES) {
      let integration = integrations.get(route.lambda);
      if (!integration) {
        integration = new HttpLambdaIntegration(
          `${API_LAMBDAS[route.lambda].id}Integration`,
          this.functions[route.lambda].fn,
        );
        integrations.set(route.lambda, integration);
      }
      const [created] = this.httpApi.addRoutes({
        path: route.path,
        methods: [apigw.HttpMethod[route.method]],
        integration,
        // role null = no authentication (GET /healthz only); every other route needs a valid JWT,
        // and the handlers check the group (spec/api.md)
        ...(route.role === null ? {} : { authorizer }),
      });
      if (route.role === null && created) {
        acknowledge(
          created,
          "AwsSolutions-APIG4",
          `${routeKey(route)} is the liveness probe: spec/api.md says it needs no authentication; it returns ` +
            "{ok: true} and reads no data.",
        );
      }
    }
  }

  /** The API's base URL (no trailing slash). */
  get url(): string {
    return this.httpApi.apiEndpoint;
  }
}

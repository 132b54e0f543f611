// Admin site: a private S3 bucket behind CloudFront (origin access control, HTTPS only, security
// headers, SPA fallback), deployed from web/dist (or a placeholder until the admin page is built)
// together with a generated config.json telling the page where the API and the login are.

import { existsSync, mkdirSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Duration, RemovalPolicy, Stack } from "aws-cdk-lib";
import * as cloudfront from "aws-cdk-lib/aws-cloudfront";
import { S3BucketOrigin } from "aws-cdk-lib/aws-cloudfront-origins";
import * as iam from "aws-cdk-lib/aws-iam";
import * as logs from "aws-cdk-lib/aws-logs";
import * as s3 from "aws-cdk-lib/aws-s3";
import * as s3deploy from "aws-cdk-lib/aws-s3-deployment";
import { Construct } from "constructs";
import type { WebConfig } from "#schemas/web-config.ts";
import { PROJECT_ROOT } from "../functions.ts";
import { acknowledge, iam5ResourceId } from "../nag.ts";
import { type JobdeckSettings, logRetentionFor } from "../settings.ts";

/** What the admin page reads from /config.json (functions/schemas/web-config.ts). */
export type AdminSiteConfig = WebConfig & { auth: "cognito" };

const PLACEHOLDER_HTML = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>jobdeck</title></head>
<body><h1>jobdeck</h1><p>The admin page has not been built yet (web/dist is missing). The API is
deployed; see config.json for its URL.</p></body></html>
`;

/** web/dist when the admin page is built, else a one-page placeholder written to a temp folder. */
export function siteSourceDir(root: string = PROJECT_ROOT): string {
  const dist = join(root, "web", "dist");
  if (existsSync(join(dist, "index.html"))) return dist;
  const dir = join(tmpdir(), "jobdeck-admin-placeholder");
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, "index.html"), PLACEHOLDER_HTML);
  return dir;
}

export type AdminSiteProps = { settings: JobdeckSettings };

export class JobdeckAdminSite extends Construct {
  readonly bucket: s3.Bucket;
  readonly logBucket: s3.Bucket;
  readonly distribution: cloudfront.Distribution;

  constructor(
    scope: Construct,
    id: string,
    private readonly props: AdminSiteProps,
  ) {
    super(scope, id);
    const region = Stack.of(this).region;

    // Server access logs of the site bucket and CloudFront standard logs (S3 storage cost only).
    this.logBucket = new s3.Bucket(this, "LogBucket", {
      blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL,
      encryption: s3.BucketEncryption.S3_MANAGED,
      enforceSSL: true,
      // CloudFront standard logging writes with ACLs
      objectOwnership: s3.ObjectOwnership.BUCKET_OWNER_PREFERRED,
      // versioned so a log cannot be overwritten or deleted unseen; expired logs' versions go a day later
      versioned: true,
      lifecycleRules: [
        {
          expiration: Duration.days(Math.max(props.settings.retentionDays, 30)),
          noncurrentVersionExpiration: Duration.days(1),
        },
        { expiredObjectDeleteMarker: true },
      ],
      removalPolicy: RemovalPolicy.RETAIN,
    });

    this.bucket = new s3.Bucket(this, "SiteBucket", {
      blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL,
      encryption: s3.BucketEncryption.S3_MANAGED,
      enforceSSL: true,
      objectOwnership: s3.ObjectOwnership.BUCKET_OWNER_ENFORCED,
      serverAccessLogsBucket: this.logBucket,
      serverAccessLogsPrefix: "site-bucket/",
      lifecycleRules: [{ abortIncompleteMultipartUploadAfter: Duration.days(7) }],
      // emptied by the deployment on delete (retainOnDelete: false), so the bucket can go too
      removalPolicy: RemovalPolicy.DESTROY,
    });

    const headers = new cloudfront.ResponseHeadersPolicy(this, "SecurityHeaders", {
      comment: "jobdeck admin page: security headers",
      securityHeadersBehavior: {
        contentSecurityPolicy: {
          override: true,
          contentSecurityPolicy: [
            "default-src 'self'",
            "script-src 'self'",
            "style-src 'self' 'unsafe-inline'",
            "img-src 'self' data:",
            `connect-src 'self' https://*.execute-api.${region}.amazonaws.com https://*.auth.${region}.amazoncognito.com https://cognito-idp.${region}.amazonaws.com`,
            `form-action 'self' https://*.auth.${region}.amazoncognito.com`,
            "frame-ancestors 'none'",
            "base-uri 'self'",
            "object-src 'none'",
          ].join("; "),
        },
        strictTransportSecurity: {
          override: true,
          accessControlMaxAge: Duration.days(730),
          includeSubdomains: true,
          preload: false,
        },
        contentTypeOptions: { override: true },
        frameOptions: { override: true, frameOption: cloudfront.HeadersFrameOption.DENY },
        referrerPolicy: { override: true, referrerPolicy: cloudfront.HeadersReferrerPolicy.NO_REFERRER },
        xssProtection: { override: true, protection: true, modeBlock: true },
      },
    });

    this.distribution = new cloudfront.Distribution(this, "Distribution", {
      comment: "jobdeck admin page",
      defaultRootObject: "index.html",
      defaultBehavior: {
        origin: S3BucketOrigin.withOriginAccessControl(this.bucket),
        viewerProtocolPolicy: cloudfront.ViewerProtocolPolicy.REDIRECT_TO_HTTPS,
        allowedMethods: cloudfront.AllowedMethods.ALLOW_GET_HEAD,
        cachePolicy: cloudfront.CachePolicy.CACHING_OPTIMIZED,
        responseHeadersPolicy: headers,
        compress: true,
      },
      // the page routes in the browser: unknown paths get index.html
      errorResponses: [403, 404].map((httpStatus) => ({
        httpStatus,
        responseHttpStatus: 200,
        responsePagePath: "/index.html",
        ttl: Duration.seconds(0),
      })),
      httpVersion: cloudfront.HttpVersion.HTTP2_AND_3,
      priceClass: cloudfront.PriceClass.PRICE_CLASS_200,
      enableLogging: true,
      logBucket: this.logBucket,
      logFilePrefix: "cloudfront/",
    });
    acknowledge(
      this.distribution,
      "AwsSolutions-CFR1",
      "Operators may sign in from anywhere; the page is static and every API call needs a Cognito JWT, so a " +
        "country allow-list would add operations work without protecting data.",
    );
    acknowledge(
      this.distribution,
      "AwsSolutions-CFR2",
      "AWS WAF costs a monthly fee per web ACL and rule; the distribution serves only static files, and the " +
        "API behind it has a JWT authorizer and stage throttling.",
    );
    acknowledge(
      this.distribution,
      "AwsSolutions-CFR4",
      "The distribution uses the default *.cloudfront.net certificate, for which CloudFront does not let you " +
        "choose the minimum TLS version; a custom domain with its own certificate is outside this stack.",
    );
  }

  /** https://<distribution domain> (no trailing slash). */
  get url(): string {
    return `https://${this.distribution.distributionDomainName}`;
  }

  /** Uploads the page and its config.json, then invalidates the distribution's cache. */
  deploy(config: AdminSiteConfig): s3deploy.BucketDeployment {
    const logGroup = new logs.LogGroup(this, "DeploymentLogs", {
      retention: logRetentionFor(this.props.settings.retentionDays),
      removalPolicy: RemovalPolicy.DESTROY,
    });
    const role = new iam.Role(this, "DeploymentRole", {
      description: "CDK BucketDeployment of the jobdeck admin page",
      assumedBy: new iam.ServicePrincipal("lambda.amazonaws.com"),
    });
    logGroup.grantWrite(role);
    const deployment = new s3deploy.BucketDeployment(this, "Deployment", {
      sources: [s3deploy.Source.asset(siteSourceDir()), s3deploy.Source.jsonData("config.json", config)],
      destinationBucket: this.bucket,
      distribution: this.distribution,
      distributionPaths: ["/*"],
      retainOnDelete: false,
      prune: true,
      memoryLimit: 256,
      role,
      logGroup,
    });
    const policy = role.node.tryFindChild("DefaultPolicy") ?? role;
    const cdkGrant =
      "CDK's BucketDeployment grant (not configurable): the deployment function copies the built page from " +
      "the CDK asset bucket into the site bucket and prunes old files.";
    for (const action of ["s3:GetBucket*", "s3:GetObject*", "s3:List*", "s3:Abort*", "s3:DeleteObject*"]) {
      acknowledge(
        policy,
        `AwsSolutions-IAM5[Action::${action}]`,
        `${cdkGrant} Wildcard actions are S3 read/list/delete families.`,
      );
    }
    acknowledge(
      policy,
      iam5ResourceId(this, `${this.bucket.bucketArn}/*`),
      `${cdkGrant} Objects of the site bucket only (their keys are the page's files).`,
    );
    const stack = Stack.of(this);
    acknowledge(
      policy,
      // the account as the template has it: <AWS::AccountId>, or the literal one when the app is
      // given an account (CDK_DEFAULT_ACCOUNT at `cdk deploy` with credentials)
      iam5ResourceId(
        this,
        `arn:${stack.partition}:s3:::cdk-hnb659fds-assets-${stack.account}-${stack.region}/*`,
      ),
      `${cdkGrant} Read of the CDK bootstrap asset bucket, where the zipped page is staged.`,
    );
    acknowledge(
      policy,
      "AwsSolutions-IAM5[Resource::*]",
      "CDK's BucketDeployment grants cloudfront:CreateInvalidation / GetInvalidation on '*' (not " +
        "configurable); used to invalidate this distribution after each upload.",
    );
    for (const child of stack.node.children) {
      if (child.node.id.startsWith("Custom::CDKBucketDeployment")) {
        acknowledge(
          child,
          "AwsSolutions-L1",
          "CDK's own BucketDeployment function (Python runtime chosen by aws-cdk-lib, not settable); it only " +
            "runs at deploy time to copy the admin page into its bucket.",
        );
      }
    }
    return deployment;
  }
}

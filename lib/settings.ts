// Deployment settings of the CDK app, read from CDK context (cdk.json "context", or `-c key=value`).
// Every key has a documented default (README "Deploy to AWS"); nothing here is per job.

import { RetentionDays } from "aws-cdk-lib/aws-logs";
import type { Node } from "constructs";
import { DEFAULTS } from "#config/defaults.ts";

export type LogLevel = "DEBUG" | "INFO" | "WARN" | "ERROR";

export type JobdeckSettings = {
  /** AWS region of the stack. */
  region: string;
  /** IANA zone in which the API and the admin page show times. */
  displayTimeZone: string;
  /** Finished runs expire after this many days (DynamoDB TTL); 0 keeps them forever. Also log retention. */
  retentionDays: number;
  /** E-mail address subscribed to the alarm topic (none when unset). */
  alarmEmail: string | undefined;
  /** E-mail of the first admin user, created in the `admin` group at deploy (none when unset). */
  adminEmail: string | undefined;
  /** Cognito hosted UI domain prefix; undefined = `jobdeck-<account id>`. */
  cognitoDomainPrefix: string | undefined;
  /** Powertools log level of every function. */
  logLevel: LogLevel;
  /** Default throttling of the HTTP API stage. */
  apiThrottle: { rateLimit: number; burstLimit: number };
  /** Extra callback / logout URLs of the admin page's app client (development). */
  devCallbackUrls: string[];
  /**
   * Issue 15: the availability zones of the fargate jobs' VPC (one public subnet each), named
   * explicitly so that synthesis never looks them up (no account, no network needed). [] = the
   * region's entry of DEFAULT_AVAILABILITY_ZONES; a region without one must set
   * `-c fargateAvailabilityZones=<az>,<az>` once a job runs on fargate.
   */
  fargateAvailabilityZones: string[];
};

/**
 * The zones a fargate job's task may run in, per region. AZ names differ by account only in their
 * mapping to physical zones, not in which names exist: ap-northeast-1b is not offered to accounts
 * created since 2012, hence a, c, d.
 */
export const DEFAULT_AVAILABILITY_ZONES: Readonly<Record<string, readonly string[]>> = {
  "ap-northeast-1": ["ap-northeast-1a", "ap-northeast-1c", "ap-northeast-1d"],
};

export const DEFAULT_SETTINGS: JobdeckSettings = {
  region: "ap-northeast-1",
  displayTimeZone: DEFAULTS.displayTimeZone,
  retentionDays: DEFAULTS.retentionDays,
  alarmEmail: undefined,
  adminEmail: undefined,
  cognitoDomainPrefix: undefined,
  logLevel: "INFO",
  apiThrottle: { rateLimit: 20, burstLimit: 40 },
  devCallbackUrls: ["http://localhost:5173/"],
  fargateAvailabilityZones: [],
};

const LOG_LEVELS: readonly LogLevel[] = ["DEBUG", "INFO", "WARN", "ERROR"];

/** `-c key=value` gives strings, cdk.json gives JSON values: accept both. */
function parseMaybeJson(value: unknown): unknown {
  if (typeof value !== "string") return value;
  const t = value.trim();
  if (t.startsWith("{") || t.startsWith("[")) {
    try {
      return JSON.parse(t) as unknown;
    } catch {
      return value;
    }
  }
  return value;
}

function optionalString(value: unknown, key: string): string | undefined {
  if (value === undefined || value === null || value === "") return undefined;
  if (typeof value !== "string")
    throw new Error(`context '${key}' must be a string, got ${JSON.stringify(value)}`);
  return value.trim() || undefined;
}

function integer(value: unknown, key: string, fallback: number, min: number): number {
  if (value === undefined || value === null || value === "") return fallback;
  const n = typeof value === "number" ? value : Number(value);
  if (!Number.isInteger(n) || n < min) {
    throw new Error(`context '${key}' must be an integer ≥ ${min}, got ${JSON.stringify(value)}`);
  }
  return n;
}

const EMAIL = /^[^@\s]+@[^@\s]+\.[^@\s]+$/;

/** Reads and checks the settings; a bad value fails the synth with the key's name. */
export function settingsFromContext(node: Pick<Node, "tryGetContext">): JobdeckSettings {
  const d = DEFAULT_SETTINGS;
  const region = optionalString(node.tryGetContext("region"), "region") ?? d.region;
  if (!/^[a-z]{2}(-[a-z]+)+-\d$/.test(region)) throw new Error(`context 'region' is not a region: ${region}`);

  const displayTimeZone =
    optionalString(node.tryGetContext("displayTimeZone"), "displayTimeZone") ?? d.displayTimeZone;
  try {
    new Intl.DateTimeFormat("en", { timeZone: displayTimeZone });
  } catch {
    throw new Error(`context 'displayTimeZone' is not an IANA time zone: ${displayTimeZone}`);
  }

  const alarmEmail = optionalString(node.tryGetContext("alarmEmail"), "alarmEmail");
  const adminEmail = optionalString(node.tryGetContext("adminEmail"), "adminEmail");
  for (const [key, v] of [
    ["alarmEmail", alarmEmail],
    ["adminEmail", adminEmail],
  ] as const) {
    if (v !== undefined && !EMAIL.test(v)) throw new Error(`context '${key}' is not an e-mail address: ${v}`);
  }

  const cognitoDomainPrefix = optionalString(
    node.tryGetContext("cognitoDomainPrefix"),
    "cognitoDomainPrefix",
  );
  if (
    cognitoDomainPrefix !== undefined &&
    (!/^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$/.test(cognitoDomainPrefix) ||
      /aws|amazon|cognito/.test(cognitoDomainPrefix))
  ) {
    throw new Error(
      `context 'cognitoDomainPrefix' must be lowercase letters, digits and hyphens without 'aws', 'amazon' or 'cognito': ${cognitoDomainPrefix}`,
    );
  }

  const logLevel = (optionalString(node.tryGetContext("logLevel"), "logLevel") ?? d.logLevel).toUpperCase();
  if (!LOG_LEVELS.includes(logLevel as LogLevel)) {
    throw new Error(`context 'logLevel' must be one of ${LOG_LEVELS.join(", ")}, got ${logLevel}`);
  }

  const throttle = parseMaybeJson(node.tryGetContext("apiThrottle")) ?? {};
  if (typeof throttle !== "object" || throttle === null || Array.isArray(throttle)) {
    throw new Error(`context 'apiThrottle' must be an object {"rateLimit": n, "burstLimit": n}`);
  }
  const t = throttle as { rateLimit?: unknown; burstLimit?: unknown };
  const apiThrottle = {
    rateLimit: integer(t.rateLimit, "apiThrottle.rateLimit", d.apiThrottle.rateLimit, 1),
    burstLimit: integer(t.burstLimit, "apiThrottle.burstLimit", d.apiThrottle.burstLimit, 1),
  };

  const dev = parseMaybeJson(node.tryGetContext("devCallbackUrls"));
  let devCallbackUrls = d.devCallbackUrls;
  if (dev !== undefined && dev !== null) {
    const list = Array.isArray(dev) ? dev : String(dev).split(",");
    devCallbackUrls = list.map((u) => String(u).trim()).filter((u) => u !== "");
    for (const u of devCallbackUrls) {
      if (!/^http:\/\/localhost(:\d+)?\//.test(u)) {
        throw new Error(`context 'devCallbackUrls' may only hold http://localhost[:port]/ URLs, got ${u}`);
      }
    }
  }

  const azs = parseMaybeJson(node.tryGetContext("fargateAvailabilityZones"));
  const fargateAvailabilityZones =
    azs === undefined || azs === null || azs === ""
      ? [...(DEFAULT_AVAILABILITY_ZONES[region] ?? [])]
      : (Array.isArray(azs) ? azs : String(azs).split(",")).map((z) => String(z).trim()).filter(Boolean);
  for (const az of fargateAvailabilityZones) {
    if (!new RegExp(`^${region}[a-z]$`).test(az)) {
      throw new Error(`context 'fargateAvailabilityZones': ${az} is not an availability zone of ${region}`);
    }
  }

  return {
    region,
    displayTimeZone,
    retentionDays: integer(node.tryGetContext("retentionDays"), "retentionDays", d.retentionDays, 0),
    alarmEmail,
    adminEmail,
    cognitoDomainPrefix,
    logLevel: logLevel as LogLevel,
    apiThrottle,
    devCallbackUrls,
    fargateAvailabilityZones: [...new Set(fargateAvailabilityZones)],
  };
}

const RETENTION_STEPS: readonly RetentionDays[] = [
  RetentionDays.ONE_DAY,
  RetentionDays.THREE_DAYS,
  RetentionDays.FIVE_DAYS,
  RetentionDays.ONE_WEEK,
  RetentionDays.TWO_WEEKS,
  RetentionDays.ONE_MONTH,
  RetentionDays.TWO_MONTHS,
  RetentionDays.THREE_MONTHS,
  RetentionDays.FOUR_MONTHS,
  RetentionDays.FIVE_MONTHS,
  RetentionDays.SIX_MONTHS,
  RetentionDays.ONE_YEAR,
  RetentionDays.THIRTEEN_MONTHS,
  RetentionDays.EIGHTEEN_MONTHS,
  RetentionDays.TWO_YEARS,
  RetentionDays.THREE_YEARS,
  RetentionDays.FIVE_YEARS,
  RetentionDays.SIX_YEARS,
  RetentionDays.SEVEN_YEARS,
  RetentionDays.EIGHT_YEARS,
  RetentionDays.NINE_YEARS,
  RetentionDays.TEN_YEARS,
];

/** CloudWatch Logs retention for `days` (the smallest allowed value ≥ days; 0 = never expire). */
export function logRetentionFor(days: number): RetentionDays {
  if (days <= 0) return RetentionDays.INFINITE;
  return RETENTION_STEPS.find((r) => r >= days) ?? RetentionDays.INFINITE;
}

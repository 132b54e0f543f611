// The defaults every host shares, in one place: the CDK settings (lib/settings.ts), the Lambda
// environment contract (env-contract.ts), the local stack and the domain read them from here.

export const DEFAULTS = {
  /** IANA zone times are shown in. */
  displayTimeZone: "Asia/Tokyo",
  /** Finished runs expire after this many days; 0 keeps them forever. */
  retentionDays: 90,
  /** Manual starts (trigger, rerun) per user per minute; 0 = no limit. */
  triggersPerMinute: 30,
  /** Powertools service name and metrics namespace. */
  serviceName: "jobdeck",
  logLevel: "INFO",
} as const;

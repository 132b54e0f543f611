// The one price table a run's cost is computed from (issue 16). On-demand list prices in USD, no
// free tier (a run's share of the bill, not the month's invoice). Update the figures and
// PRICES_AS_OF together; every run records the date it was priced with.
//
// Sources (read 2026-11):
// - Step Functions Standard, per state transition: https://aws.amazon.com/step-functions/pricing/
//   ("$0.025 per 1,000 state transitions"; the regional table lists US East (N. Virginia) and Asia
//   Pacific (Tokyo) at $0.0250 per 1,000). "Each retry will be charged as an additional state transition."
// - Lambda, per GB-second and per request: https://aws.amazon.com/lambda/pricing/ (x86 $0.0000166667
//   per GB-s, Arm $0.0000133334 per GB-s, $0.20 per 1M requests; the same in us-east-1 and ap-northeast-1).
//   jobdeck's functions are Arm (lib/functions.ts: Architecture.ARM_64).
// - Fargate, per vCPU-hour and GB-hour: https://aws.amazon.com/fargate/pricing/ (us-east-1 Linux/x86
//   $0.04048 / $0.004445, Linux/ARM $0.03238 / $0.00356; ap-northeast-1 Linux/x86 $0.05056 / $0.00553,
//   Linux/ARM $0.04045 / $0.00442). jobdeck's tasks are ARM64 (lib/constructs/fargate.ts).
//   Fargate Spot is billed at a varying discount; the on-demand price is the upper bound shown.

export const PRICES_AS_OF = "2026-11-01";

export type Architecture = "arm64" | "x86_64";

export type RegionPrices = {
  stepFunctionsPerTransition: number;
  lambdaPerGbSecond: Record<Architecture, number>;
  lambdaPerRequest: number;
  fargatePerVcpuHour: Record<Architecture, number>;
  fargatePerGbHour: Record<Architecture, number>;
};

export const PRICES: Readonly<Record<string, RegionPrices>> = {
  "ap-northeast-1": {
    stepFunctionsPerTransition: 0.025 / 1000,
    lambdaPerGbSecond: { arm64: 0.0000133334, x86_64: 0.0000166667 },
    lambdaPerRequest: 0.2 / 1_000_000,
    fargatePerVcpuHour: { arm64: 0.04045, x86_64: 0.05056 },
    fargatePerGbHour: { arm64: 0.00442, x86_64: 0.00553 },
  },
  "us-east-1": {
    stepFunctionsPerTransition: 0.025 / 1000,
    lambdaPerGbSecond: { arm64: 0.0000133334, x86_64: 0.0000166667 },
    lambdaPerRequest: 0.2 / 1_000_000,
    fargatePerVcpuHour: { arm64: 0.03238, x86_64: 0.04048 },
    fargatePerGbHour: { arm64: 0.00356, x86_64: 0.004445 },
  },
};

/** Where runs outside a priced region (the local stack, a region not in the table) are priced. */
export const DEFAULT_PRICED_REGION = "ap-northeast-1";

/** What jobdeck deploys: Lambda and Fargate both on Arm. */
export const DEPLOYED_ARCHITECTURE: Architecture = "arm64";

/** The region a run is priced in and its prices. */
export function pricesFor(region: string | null | undefined): { region: string; prices: RegionPrices } {
  const known = region && PRICES[region] ? region : DEFAULT_PRICED_REGION;
  return { region: known, prices: PRICES[known]! };
}

/** The region of an ARN (`arn:aws:states:<region>:…`), or null (the local stack's "local"). */
export function regionOfArn(arn: string | undefined): string | null {
  const region = arn?.split(":")[3];
  return region && PRICES[region] ? region : null;
}

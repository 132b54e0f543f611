// Generated schedule ids and auto names (spec/model.md "Schedule": task short name + key param +
// frequency). Naming only; apart from the service so the rule reads on its own.
import { randomBytes } from "node:crypto";
import { frequencyToken } from "./frequency-token.ts";
import type { ParsedExpression } from "./schedule-expression.ts";

export function newScheduleId(): string {
  return `s${Date.now().toString(36)}${randomBytes(5).toString("hex")}`;
}

const slug = (s: string) =>
  s
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, "_")
    .replace(/^_+|_+$/g, "");

/** The parameter that distinguishes schedules of one job in names (seed 002: period_type…). */
function keyParamPart(params: Record<string, unknown>): string {
  for (const value of Object.values(params)) {
    if (typeof value === "string" && value) return slug(value).slice(0, 20);
    if (typeof value === "number") return String(value);
    if (
      Array.isArray(value) &&
      value.length &&
      value.every((v) => typeof v === "string" || typeof v === "number")
    ) {
      return slug(value.join("_")).slice(0, 20);
    }
  }
  return "";
}

/** `listed_companies_sync_daily_1130`: task short name + key param + frequency (spec/model.md). */
export function autoScheduleName(
  jobName: string,
  params: Record<string, unknown>,
  expr: ParsedExpression,
): string {
  return [slug(jobName), keyParamPart(params), frequencyToken(expr)].filter(Boolean).join("_").slice(0, 60);
}

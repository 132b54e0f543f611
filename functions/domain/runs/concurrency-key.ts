// Concurrency key (spec/model.md): job_name, or job_name + hash of the canonical JSON of params.
import { createHash } from "node:crypto";
import type { ConcurrencyMode } from "#schemas/job.ts";

/** JSON with object keys sorted at every level, so equal params give equal text. */
export function canonicalJson(value: unknown): string {
  if (value === null || typeof value !== "object") return JSON.stringify(value) ?? "null";
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(",")}]`;
  const entries = Object.entries(value as Record<string, unknown>)
    .filter(([, v]) => v !== undefined)
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(",")}}`;
}

export function concurrencyKey(jobName: string, mode: ConcurrencyMode, params: unknown): string {
  if (mode === "job") return jobName;
  const digest = createHash("sha256").update(canonicalJson(params)).digest("hex").slice(0, 16);
  return `${jobName}#${digest}`;
}

import { createHash } from "node:crypto";

const UUID_RE = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/i;

export const isUuid = (s: string) => UUID_RE.test(s);

/**
 * The run's execution_uuid for a workflow execution. API starts name the execution by the UUID;
 * any other execution (a schedule's) gets a UUID derived from its ARN, so every later look-up —
 * a redelivered start, the reconciler after a crash — finds the same run without an index.
 */
export function runUuidForExecution(name: string, arn: string): string {
  if (isUuid(name)) return name.toLowerCase();
  const h = createHash("sha256").update(arn).digest("hex");
  const variant = ((Number.parseInt(h[16] ?? "0", 16) & 0x3) | 0x8).toString(16);
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-${variant}${h.slice(17, 20)}-${h.slice(20, 32)}`;
}

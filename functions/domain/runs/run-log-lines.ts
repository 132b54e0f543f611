// Log lines as a run's log answers them: the logger's structured line reduced to its time, level,
// message and selected fields, and the paging both log readers share (oldest first; a position is
// the last line's time plus the ids already given at that time). Pure.
import type { RunLogPage, RunLogPosition } from "#ports/run-log-reader.ts";
import { LOG_LINE_FIELDS_MAX, LOG_MESSAGE_MAX, type RunLogLine } from "#schemas/run-logs.ts";
import { maskSecrets } from "./run-attempts.ts";

/** The logger's and the platform's own keys: not the line's news. */
const BOOKKEEPING = new Set([
  "level",
  "message",
  "msg",
  "timestamp",
  "time",
  "service",
  "execution_uuid",
  "sampling_rate",
  "xray_trace_id",
  "cold_start",
  "function_arn",
  "function_name",
  "function_memory_size",
  "function_request_id",
  "function_version",
]);
const FIELD_MAX = 500;

const clip = (s: string, max: number) => (s.length <= max ? s : `${s.slice(0, max - 1)}…`);

/** One structured line (a parsed JSON log line) as a run log line; null when it is not one. */
export function toRunLogLine(raw: Record<string, unknown>, fallbackTime?: number): RunLogLine | null {
  const time = typeof raw.timestamp === "string" ? Date.parse(raw.timestamp) : (fallbackTime ?? Number.NaN);
  const message = raw.message ?? raw.msg;
  if (Number.isNaN(time) || typeof message !== "string") return null;
  const fields: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(raw)) {
    if (BOOKKEEPING.has(k) || v === undefined) continue;
    if (Object.keys(fields).length >= LOG_LINE_FIELDS_MAX) break;
    fields[k] =
      typeof v === "string"
        ? clip(maskSecrets(v), FIELD_MAX)
        : v === null || typeof v === "number" || typeof v === "boolean"
          ? v
          : clip(maskSecrets(JSON.stringify(v)), FIELD_MAX);
  }
  return {
    logged_at: new Date(time).toISOString(),
    level: String(raw.level ?? "INFO").toUpperCase(),
    message: clip(maskSecrets(message), LOG_MESSAGE_MAX),
    fields,
  };
}

export type IdentifiedLine = { id: string; ts: number; line: RunLogLine };

/** The page after `after` of lines sorted oldest first (ties by id): `limit` lines and where they end. */
export function pageAfter(
  sorted: readonly IdentifiedLine[],
  after: RunLogPosition | null,
  limit: number,
): RunLogPage {
  const given = new Set(after?.ids ?? []);
  const rest = sorted.filter((l) => !after || l.ts > after.ts || (l.ts === after.ts && !given.has(l.id)));
  const page = rest.slice(0, limit);
  const last = page.at(-1);
  if (!last || rest.length <= limit) return { lines: page.map((l) => l.line), next: null };
  const ids = page.filter((l) => l.ts === last.ts).map((l) => l.id);
  return {
    lines: page.map((l) => l.line),
    next: { ts: last.ts, ids: last.ts === after?.ts ? [...given, ...ids] : ids },
  };
}

/** Oldest first, ties in id order: the order both readers page in. */
export const byTime = (a: IdentifiedLine, b: IdentifiedLine) =>
  a.ts - b.ts || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);

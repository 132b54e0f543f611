// A failed attempt as the run records it (Run.attempts): the error's type, message and first stack
// frames read from the Task state's `{Error, Cause}`, bounded and with secrets masked, so the run
// page can say what each attempt hit without opening the logs. Pure; tested alone.
import {
  ATTEMPT_FRAME_MAX,
  ATTEMPT_FRAMES_MAX,
  ATTEMPT_MESSAGE_MAX,
  ATTEMPTS_MAX,
  type Attempt,
} from "#schemas/run.ts";
import { describeEcsTaskStop } from "./ecs-stop-reasons.ts";
import type { StepError } from "./workflow-state.ts";

/** Lambda's Cause for a thrown error: `{"errorType","errorMessage","trace":["Error: …","    at …"]}`. */
type LambdaCause = { errorType?: unknown; errorMessage?: unknown; trace?: unknown; stack?: unknown };

const parseCause = (cause: unknown): LambdaCause | string | null => {
  if (typeof cause === "string") {
    try {
      const parsed: unknown = JSON.parse(cause);
      if (parsed && typeof parsed === "object") return parsed as LambdaCause;
    } catch {
      // plain text cause
    }
    return cause;
  }
  if (cause && typeof cause === "object") return cause as LambdaCause;
  return null;
};

// Things that must not reach the page or the table: bearer tokens, credentials in URLs, AWS keys,
// key=value secrets.
const SECRETS: [RegExp, string][] = [
  [/\b(Bearer|Basic)\s+[A-Za-z0-9._~+/=-]+/gi, "$1 ***"],
  [/\b(https?:\/\/)[^\s/@:]+:[^\s/@]+@/gi, "$1***@"],
  [/\bA(KIA|SIA)[A-Z0-9]{16}\b/g, "A$1****************"],
  [
    /\b(password|passwd|secret|token|api[_-]?key|authorization|signature)(["']?\s*[=:]\s*["']?)[^\s"'&,;]+/gi,
    "$1$2***",
  ],
];

/**
 * Values of the secrets jobs read in this process (ctx.secret): masked wherever they appear, even
 * without a tell-tale "api_key=" before them (an API echoing the key in its error body, a URL).
 * Process-wide on purpose: a Lambda container or the local stack serves one deployment, and the
 * texts to mask (log lines, error causes, the run's error summary) are made far from the job.
 */
const SECRET_VALUES = new Set<string>();
/** Shorter values are not registered: masking "abc" everywhere would garble texts and say little. */
export const MIN_MASKED_SECRET_LENGTH = 6;

/** Masks `value` wherever this process masks texts from now on. */
export function registerSecretValue(value: string): void {
  const v = value.trim();
  if (v.length >= MIN_MASKED_SECRET_LENGTH) SECRET_VALUES.add(v);
  if (value.length >= MIN_MASKED_SECRET_LENGTH) SECRET_VALUES.add(value);
}

/** Masks credentials in a text (messages and stack frames). */
export function maskSecrets(text: string): string {
  let out = text;
  for (const v of SECRET_VALUES) if (out.includes(v)) out = out.split(v).join("***");
  for (const [re, to] of SECRETS) out = out.replace(re, to);
  return out;
}

/** `maskSecrets` over every string inside a log line's fields (objects and arrays, depth-bounded). */
export function maskFields<T>(value: T, depth = 0): T {
  if (typeof value === "string") return maskSecrets(value) as T;
  if (depth > 6 || value === null || typeof value !== "object") return value;
  if (value instanceof Error) return maskSecrets(String(value)) as T;
  if (Array.isArray(value)) return value.map((v) => maskFields(v, depth + 1)) as T;
  return Object.fromEntries(
    Object.entries(value as Record<string, unknown>).map(([k, v]) => [k, maskFields(v, depth + 1)]),
  ) as T;
}

const clip = (text: string, max: number) => (text.length <= max ? text : `${text.slice(0, max - 1)}…`);

/** "at fn (/var/task/index.mjs:12:3)" → "at fn (index.mjs:12:3)": the frame without the host's paths. */
function shortFrame(line: string): string {
  return line
    .trim()
    .replace(/file:\/\//g, "")
    .replace(/(?<=[\s(])(?:\/[^\s():/]+)+\/(node_modules\/)/g, "$1")
    .replace(/(?<=[\s(])(?:\/[^\s():/]+)+\/([^\s():/]+:\d+)/g, "$1");
}

/** The first stack frames of a trace (Lambda's `trace` array or an `Error.stack` text). */
export function stackFrames(trace: unknown): string[] {
  const lines = Array.isArray(trace)
    ? trace.flatMap((l) => String(l).split("\n"))
    : typeof trace === "string"
      ? trace.split("\n")
      : [];
  return lines
    .map((l) => l.trim())
    .filter((l) => l.startsWith("at "))
    .slice(0, ATTEMPT_FRAMES_MAX)
    .map((l) => clip(maskSecrets(shortFrame(l)), ATTEMPT_FRAME_MAX));
}

/** The error type and message of a step error, without the "Error: Error: …" of a repeated prefix. */
export function errorParts(err: StepError | undefined): { type: string; message: string; stack: string[] } {
  if (!err) return { type: "Error", message: "unknown error", stack: [] };
  const cause = parseCause(err.Cause);
  let message = "";
  let stack: string[] = [];
  if (typeof cause === "string") message = cause;
  else if (cause) {
    if (cause instanceof Error) {
      message = cause.message;
      stack = stackFrames(cause.stack);
    } else {
      message = "errorMessage" in cause ? String(cause.errorMessage ?? "") : JSON.stringify(cause);
      stack = stackFrames(cause.trace ?? cause.stack);
    }
  }
  const type = err.Error || "Error";
  // A message that already starts with its type ("Error: boom", from String(error)) is not prefixed again.
  const prefix = `${type}: `;
  while (message.startsWith(prefix)) message = message.slice(prefix.length);
  return { type, message: message.trim(), stack };
}

/** The attempt record of a failed attempt. */
export function failedAttempt(
  err: StepError | undefined,
  attempt: number,
  startedAt: string | null,
  finishedAt: string,
): Attempt {
  const { type, message: raw, stack } = errorParts(err);
  // A fargate task that died without reporting: ECS's task description read, not quoted as JSON.
  const message = describeEcsTaskStop(err?.Cause) ?? raw;
  return {
    attempt,
    started_at: startedAt,
    finished_at: finishedAt,
    error_type: clip(type, 200),
    message: clip(maskSecrets(message), ATTEMPT_MESSAGE_MAX),
    stack,
  };
}

/** The list with `next` added (replacing a record of the same attempt: steps are retried), the latest ATTEMPTS_MAX kept. */
export function withAttempt(list: readonly Attempt[] | null | undefined, next: Attempt): Attempt[] {
  const kept = (list ?? []).filter((a) => a.attempt !== next.attempt);
  return [...kept, next].sort((a, b) => a.attempt - b.attempt).slice(-ATTEMPTS_MAX);
}

/** An `Error` as Lambda's runtime reports it to Step Functions (the local host does the same). */
export function lambdaCause(e: unknown): string {
  const err = e instanceof Error ? e : new Error(String(e));
  return JSON.stringify({
    errorType: err.name,
    errorMessage: err.message,
    trace: (err.stack ?? "").split("\n").slice(0, 1 + ATTEMPT_FRAMES_MAX),
  });
}

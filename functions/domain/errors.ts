// Typed domain errors. The API maps them to HTTP in one middleware (apiHandler in functions/api/http.ts);
// the domain itself knows nothing about HTTP beyond the suggested status.

import { type CodedIssue, codeOfZodIssue, type IssueParams } from "#schemas/issue-codes.ts";

/**
 * One bad field: the English `message`, and (issue 14 part C) a machine `code` with its `params`
 * that a page renders in its own language (functions/schemas/issue-codes.ts).
 */
export type FieldIssue = { field: string; message: string; code?: string; params?: IssueParams };

/** A field issue with its code. */
export const codedIssue = (field: string, message: string, coded: CodedIssue): FieldIssue => ({
  field,
  message,
  ...coded,
});

export class DomainError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly details?: unknown,
  ) {
    super(message);
    this.name = new.target.name;
  }
}

export class ValidationError extends DomainError {
  constructor(message: string, issues: FieldIssue[]) {
    super(400, "invalid_request", message, issues);
  }
}
export class NotFoundError extends DomainError {
  constructor(what: string, id: string) {
    super(404, "not_found", `${what} '${id}' does not exist`, { [what]: id });
  }
}
/** Too many requests: the answer carries Retry-After (seconds). */
export class RateLimitedError extends DomainError {
  constructor(
    message: string,
    readonly retryAfterSeconds: number,
  ) {
    super(429, "rate_limited", message, { retry_after_seconds: retryAfterSeconds });
  }
}

export class ConflictError extends DomainError {
  constructor(code: string, message: string, details?: unknown) {
    super(409, code, message, details);
  }
}
/** A dependency (store, workflow service) failed: the client did nothing wrong. */
export class UnavailableError extends DomainError {
  constructor(message: string) {
    super(503, "unavailable", message);
  }
}

type IssueLike = Parameters<typeof codeOfZodIssue>[0] & {
  path: readonly PropertyKey[];
  keys?: string[];
};

/** Turns zod issues into `[{field, message}]`, naming each bad field (spec/api.md). */
export function issuesToFields(issues: readonly IssueLike[], prefix = "", input?: unknown): FieldIssue[] {
  const out: FieldIssue[] = [];
  for (const issue of issues) {
    const base = [prefix, ...issue.path.map(String)].filter(Boolean).join(".");
    if (issue.code === "unrecognized_keys" && issue.keys) {
      for (const k of issue.keys)
        out.push({ field: base ? `${base}.${k}` : k, message: "unknown field", code: "unknown_field" });
    } else {
      // zod/mini's issues do not carry the input: a missing value is told apart with it.
      const missing =
        input !== undefined && issue.code === "invalid_type" && valueAt(input, issue.path) === undefined;
      out.push({
        field: base || "(body)",
        message: issue.message,
        ...(missing ? { code: "required" } : codeOfZodIssue(issue)),
      });
    }
  }
  return out;
}

function valueAt(input: unknown, path: readonly PropertyKey[]): unknown {
  let v: unknown = input;
  for (const k of path) {
    if (v === null || typeof v !== "object") return undefined;
    v = (v as Record<PropertyKey, unknown>)[k];
  }
  return v;
}

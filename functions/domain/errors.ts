// Typed domain errors. The API maps them to HTTP in one middleware (apiHandler in functions/api/http.ts);
// the domain itself knows nothing about HTTP beyond the suggested status.

export type FieldIssue = { field: string; message: string };

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

type IssueLike = { path: readonly PropertyKey[]; message: string; code?: string; keys?: string[] };

/** Turns zod issues into `[{field, message}]`, naming each bad field (spec/api.md). */
export function issuesToFields(issues: readonly IssueLike[], prefix = ""): FieldIssue[] {
  const out: FieldIssue[] = [];
  for (const issue of issues) {
    const base = [prefix, ...issue.path.map(String)].filter(Boolean).join(".");
    if (issue.code === "unrecognized_keys" && issue.keys) {
      for (const k of issue.keys) out.push({ field: base ? `${base}.${k}` : k, message: "unknown field" });
    } else {
      out.push({ field: base || "(body)", message: issue.message });
    }
  }
  return out;
}

// EventBridge Scheduler's errors as the backend reads them: not found, conflict, and a refusal
// (ValidationException) turned into the API's 400 with the field it is about.
import { ValidationError } from "#domain/errors.ts";

export function errorName(err: unknown): string | undefined {
  if (typeof err !== "object" || err === null) return undefined;
  const name = (err as { name?: unknown }).name;
  return typeof name === "string" ? name : undefined;
}

export const isNotFound = (err: unknown) => errorName(err) === "ResourceNotFoundException";
export const isConflict = (err: unknown) => errorName(err) === "ConflictException";

/**
 * The schedule field an EventBridge validation message is about, as the API names it. The most
 * specific first: the service names its members ('scheduleExpressionTimezone', 'target.input').
 */
function fieldOf(message: string): string {
  if (/time ?zone/i.test(message)) return "timezone";
  if (/start ?date/i.test(message)) return "start_date";
  if (/end ?date/i.test(message)) return "end_date";
  if (/expression/i.test(message)) return "schedule_expression";
  // the target's input carries the schedule's params (fireInputOf)
  if (/\binput\b/i.test(message)) return "params";
  return "(body)";
}

/**
 * EventBridge refusing what it was given (ValidationException) is the client's to fix: a 400 with
 * the service's own words, not a 500. Anything else (throttling, 5xx, quotas) passes on unchanged.
 */
export function asClientError(err: unknown): unknown {
  if (errorName(err) !== "ValidationException") return err;
  const message = err instanceof Error ? err.message : String(err);
  const e = new ValidationError(`EventBridge Scheduler refused the schedule: ${message}`, [
    { field: fieldOf(message), message },
  ]);
  e.cause = err;
  return e;
}

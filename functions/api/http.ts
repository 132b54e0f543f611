// The HTTP conventions of spec/api.md in one place: auth groups, JSON bodies (64 KiB, 415, 400),
// ETag / 304, error shape. Handlers only declare routes and call the domain.
import { createHash } from "node:crypto";
import middy from "@middy/core";
import type {
  APIGatewayProxyEventV2WithJWTAuthorizer,
  APIGatewayProxyStructuredResultV2,
  Context,
} from "aws-lambda";
import { en } from "zod/locales";
import * as z from "zod/mini";
import {
  DomainError,
  issuesToFields,
  RateLimitedError,
  UnavailableError,
  ValidationError,
} from "#domain/errors.ts";
import type { JobLogger } from "#domain/jobs/job-definition.ts";
import { isStoreUnavailable } from "#domain/store-failures.ts";
import { toDisplayTime } from "#domain/time.ts";
import type { Answer } from "./contract.ts";
import { ROUTES, type Role, type RouteKey, routeKey } from "./routes.ts";

// zod/mini ships without messages ("Invalid input" for every mistake); the English locale says what
// was expected and what came ("expected number, received string"), which a 400 should name.
z.config(en());

export type ApiEvent = APIGatewayProxyEventV2WithJWTAuthorizer;
export type ApiResult = APIGatewayProxyStructuredResultV2;

export const MAX_BODY_BYTES = 64 * 1024;

export type Identity = { sub: string; email: string | null; groups: Role[] };

export type ApiRequest = {
  event: ApiEvent;
  identity: Identity | null;
  body: unknown;
  query: Record<string, string>;
  params: Record<string, string>;
  header(name: string): string | undefined;
};

export type RouteHandler = (req: ApiRequest) => Promise<ApiResult>;

// Every API answer is JSON for a script, never a page: nothing may frame, sniff or render it,
// and nothing in it may be cached by a shared cache (answers depend on the caller's token).
const SECURITY_HEADERS = {
  "content-type": "application/json; charset=utf-8",
  "x-content-type-options": "nosniff",
  "cache-control": "no-cache, private",
  "content-security-policy": "default-src 'none'; frame-ancestors 'none'",
  "x-frame-options": "DENY",
  "referrer-policy": "no-referrer",
  "strict-transport-security": "max-age=31536000; includeSubDomains",
};

export function json(statusCode: number, body: unknown, headers: Record<string, string> = {}): ApiResult {
  return {
    statusCode,
    headers: { ...SECURITY_HEADERS, ...headers },
    body: body === undefined ? "" : JSON.stringify(body),
  };
}

export function errorResult(status: number, code: string, message: string, details?: unknown): ApiResult {
  return json(status, { error: { code, message, ...(details === undefined ? {} : { details }) } });
}

/**
 * 401 with the RFC 6750 challenge, so a client knows which scheme to send and, when it sent a
 * token, that this one was refused (expired, not ours) rather than missing.
 */
export function unauthorized(tokenSent = false): ApiResult {
  const res = errorResult(
    401,
    "unauthorized",
    tokenSent ? "the bearer token is invalid or expired" : "a valid bearer token is required",
  );
  const challenge = tokenSent ? 'Bearer realm="jobdeck", error="invalid_token"' : 'Bearer realm="jobdeck"';
  return { ...res, headers: { ...res.headers, "www-authenticate": challenge } };
}

/**
 * API Gateway (HTTP API JWT authorizer) passes JWT claims as strings; an array claim such as
 * `cognito:groups` arrives as "[admin viewer]": one pair of brackets, the names separated by single
 * spaces (Cognito group names contain no whitespace). Read exactly that form, a real array, or a
 * claim that was a plain string (one group, compared whole). Nothing is split on commas or matched
 * by substring, so a crafted value such as "x,admin" or "[x,admin]" grants nothing.
 */
export function parseGroups(raw: unknown): Role[] {
  let list: unknown[] = [];
  if (Array.isArray(raw)) list = raw;
  else if (typeof raw === "string") {
    const bracketed = /^\[([^[\]]*)\]$/.exec(raw);
    list = bracketed ? (bracketed[1] ? bracketed[1].split(" ") : []) : [raw];
  }
  return list.filter((g): g is Role => g === "admin" || g === "viewer");
}

export function identityFrom(event: ApiEvent): Identity | null {
  const claims = event.requestContext?.authorizer?.jwt?.claims;
  if (!claims || typeof claims.sub !== "string" || !claims.sub) return null;
  return {
    sub: claims.sub,
    email: typeof claims.email === "string" ? claims.email : null,
    groups: parseGroups(claims["cognito:groups"] ?? claims.groups),
  };
}

export function actorOf(identity: Identity | null): string {
  return identity?.email ?? identity?.sub ?? "unknown";
}

const FORBIDDEN_KEYS = new Set(["__proto__", "constructor", "prototype"]);

/** Deeper documents are refused before parsing: no job parameter nests this far, and deep nesting
 * is how a body exhausts the stack (JSON.parse's reviver and every later walk recurse). */
export const MAX_JSON_DEPTH = 32;

/** Nesting depth of a JSON text, counted without parsing (brackets inside strings ignored). */
export function jsonDepth(text: string): number {
  let depth = 0;
  let max = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === 0x5c)
        i++; // backslash: skip the escaped character
      else if (c === 0x22) inString = false;
    } else if (c === 0x22) inString = true;
    else if (c === 0x5b || c === 0x7b) {
      depth++;
      if (depth > max) max = depth;
    } else if (c === 0x5d || c === 0x7d) depth--;
  }
  return max;
}

/** JSON.parse that refuses prototype-pollution keys anywhere in the document and over-deep nesting. */
export function parseJsonStrict(text: string): unknown {
  if (jsonDepth(text) > MAX_JSON_DEPTH) {
    throw new ValidationError("body is nested too deeply", [
      { field: "(body)", message: `nests deeper than ${MAX_JSON_DEPTH} levels` },
    ]);
  }
  return JSON.parse(text, (key, value) => {
    if (FORBIDDEN_KEYS.has(key))
      throw new ValidationError("forbidden key in body", [{ field: key, message: "is not allowed" }]);
    return value;
  });
}

function lowerHeaders(event: ApiEvent): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(event.headers ?? {})) if (v !== undefined) out[k.toLowerCase()] = v;
  return out;
}

function readBody(event: ApiEvent, headers: Record<string, string>): unknown {
  const raw = event.body;
  if (raw === undefined || raw === null || raw === "") return undefined;
  const buf = event.isBase64Encoded ? Buffer.from(raw, "base64") : Buffer.from(raw, "utf8");
  if (buf.length > MAX_BODY_BYTES) {
    throw new DomainError(
      413,
      "payload_too_large",
      `request body is ${buf.length} bytes; the limit is ${MAX_BODY_BYTES}`,
    );
  }
  const [type, ...params] = (headers["content-type"] ?? "").split(";").map((p) => p.trim().toLowerCase());
  const charset = params
    .find((p) => p.startsWith("charset="))
    ?.slice(8)
    .replace(/"/g, "");
  if (type !== "application/json" || (charset !== undefined && charset !== "utf-8" && charset !== "utf8")) {
    throw new DomainError(
      415,
      "unsupported_media_type",
      "send the body as UTF-8 JSON with Content-Type: application/json",
    );
  }
  let text: string;
  try {
    text = new TextDecoder("utf-8", { fatal: true }).decode(buf);
  } catch {
    throw new ValidationError("body is not UTF-8", [{ field: "(body)", message: "is not valid UTF-8" }]);
  }
  try {
    return parseJsonStrict(text);
  } catch (e) {
    if (e instanceof DomainError) throw e;
    // Only the parser's own syntax message is the client's business; anything else stays inside.
    const message = e instanceof SyntaxError ? e.message : "is not valid JSON";
    throw new ValidationError("body is not valid JSON", [{ field: "(body)", message }]);
  }
}

const NoQuerySchema = z.strictObject({});
/** For routes that take no query: an unknown parameter is a mistake worth saying (400), not ignored. */
export function noQuery(req: ApiRequest): void {
  parseWith(NoQuerySchema, req.query, "query");
}

/** Parses with a zod schema or throws a 400 naming each bad field. */
export function parseWith<S extends z.ZodMiniType>(
  schema: S,
  value: unknown,
  what: string,
  prefix = "",
): z.output<S> {
  const r = schema.safeParse(value);
  if (!r.success) throw new ValidationError(`invalid ${what}`, issuesToFields(r.error.issues, prefix));
  return r.data as z.output<S>;
}

/** Keys whose string values are instants: every one is answered with the display offset. */
const TIME_KEY = /(_at|_for|_date|_time)$|^(at|since|until)$/;
const OPAQUE_KEYS = new Set(["params", "parameter_schema", "options"]);

/** Renders stored UTC instants with the display time zone's offset (spec/api.md "Times"). */
export function presentTimes(value: unknown, timeZone: string, key = ""): unknown {
  if (typeof value === "string") return TIME_KEY.test(key) ? toDisplayTime(value, timeZone) : value;
  if (Array.isArray(value)) {
    return key === "next_fire_times"
      ? value.map((v) => (typeof v === "string" ? toDisplayTime(v, timeZone) : v))
      : value.map((v) => presentTimes(v, timeZone));
  }
  if (value && typeof value === "object") {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value))
      out[k] = OPAQUE_KEYS.has(k) ? v : presentTimes(v, timeZone, k);
    return out;
  }
  return value;
}

const digestOf = (body: string) => createHash("sha1").update(body).digest("base64url");

/** An entity tag without its weak marker (`W/`). */
const strongForm = (t: string) => t.trim().replace(/^W\//, "");

/** Weak comparison (RFC 9110 §8.8.3.2), for If-None-Match: `W/` is ignored; `*` matches anything. */
export function tagMatches(header: string, current: string): boolean {
  return header.split(",").some((t) => t.trim() === "*" || strongForm(t) === strongForm(current));
}

/**
 * The ETag of a writable resource: `"<version>.<digest of the answer>"`. The digest makes a
 * conditional GET honest (computed fields such as next_fire_times change the tag, so a poll never
 * keeps a stale copy); the version names the stored state a write may be conditioned on.
 */
export const versionedTag = (version: string, body: string) => `"${version}.${digestOf(body)}"`;

/**
 * If-Match on a write (RFC 9110 §13.1.1): the stored version a client read must still be current,
 * else 412 and nothing is written. Only the version part is compared: a write is not refused
 * because a computed field (a next fire time, a last run) moved on since the read.
 */
export function requireMatch(ifMatch: string, currentVersion: string): void {
  const versionOf = (t: string) =>
    strongForm(t)
      .replace(/^"|"$/g, "")
      .replace(/\.[^.]*$/, "");
  const ok = ifMatch.split(",").some((t) => t.trim() === "*" || versionOf(t) === currentVersion);
  if (!ok) {
    throw new DomainError(
      412,
      "precondition_failed",
      "the resource changed since you read it (If-Match names an older version); read it again",
      { current_version: currentVersion },
    );
  }
}

export function etagOf(body: string): string {
  return `W/"${digestOf(body)}"`;
}

/** Retry-After of a 503: how long a store or workflow-service outage is worth waiting out. */
export const UNAVAILABLE_RETRY_AFTER_SECONDS = 5;

const ROLE_OF = new Map(ROUTES.map((r) => [routeKey(r), r.role]));

export type ApiHandlerOptions = { logger: JobLogger };

/** A route's handler, typed by the contract: it can only answer a documented status and body. */
export type TypedRoutes<K extends RouteKey> = { [P in K]: (req: ApiRequest) => Promise<Answer<P>> };

/**
 * `apiHandler` over handlers typed by the contract (functions/api/contract.ts). Answers are
 * rendered here: times get the display offset (spec/api.md "Times"), bodies become JSON.
 */
export function contractHandler<K extends RouteKey>(
  routes: TypedRoutes<K>,
  opts: ApiHandlerOptions & {
    timeZone: string /** bodies sent as they are (no time rendering) */;
    verbatim?: NoInfer<K>[];
  },
) {
  const plain: Record<string, RouteHandler> = {};
  for (const [key, handle] of Object.entries(routes) as [K, (req: ApiRequest) => Promise<Answer<K>>][]) {
    const verbatim = opts.verbatim?.includes(key) ?? false;
    plain[key] = async (req) => {
      const a = (await handle(req)) as {
        status: number;
        body?: unknown;
        headers?: Record<string, string>;
        version?: string;
      };
      const body = a.body === undefined || verbatim ? a.body : presentTimes(a.body, opts.timeZone);
      const res = json(a.status, body, a.headers);
      if (a.version !== undefined)
        res.headers = { ...res.headers, etag: versionedTag(a.version, String(res.body)) };
      return res;
    };
  }
  return apiHandler(plain, opts);
}

/**
 * Builds a Lambda handler serving `routes` (keyed by API Gateway route key, e.g. "GET /v1/runs").
 * Auth: admin may do everything, viewer only GET (spec/api.md); the route table says which.
 */
export function apiHandler(routes: Record<string, RouteHandler>, opts: ApiHandlerOptions) {
  const core = async (event: ApiEvent, _context: Context): Promise<ApiResult> => {
    const key = event.routeKey;
    const handler = routes[key];
    if (!handler) return errorResult(404, "not_found", `no route ${key}`);
    // Routes missing from the table default to admin; `null` (healthz) means no auth at all.
    const role = ROLE_OF.has(key) ? (ROLE_OF.get(key) as Role | null) : "admin";
    const identity = identityFrom(event);
    if (role !== null) {
      if (!identity) return unauthorized();
      const ok =
        identity.groups.includes("admin") || (role === "viewer" && identity.groups.includes("viewer"));
      if (!ok) return errorResult(403, "forbidden", `this action needs the ${role} group`);
    }
    const headers = lowerHeaders(event);
    // A GET's body has no meaning (RFC 9110 §9.3.1): it is neither read nor refused.
    const body = event.requestContext?.http?.method === "GET" ? undefined : readBody(event, headers);
    const query: Record<string, string> = {};
    for (const [k, v] of Object.entries(event.queryStringParameters ?? {})) if (v !== undefined) query[k] = v;
    return handler({
      event,
      identity,
      body,
      query,
      params: (event.pathParameters ?? {}) as Record<string, string>,
      header: (name) => headers[name.toLowerCase()],
    });
  };

  return middy(core)
    .after((request) => {
      // ETag on every successful GET; a matching If-None-Match costs the client no body.
      const res = request.response;
      if (!res || request.event.requestContext?.http?.method !== "GET" || res.statusCode !== 200) return;
      // A handler may name its own validator (a stored version, or a body without volatile fields).
      const own = res.headers?.etag;
      const tag = typeof own === "string" ? own : etagOf(String(res.body ?? ""));
      const inm = Object.entries(request.event.headers ?? {}).find(
        ([k]) => k.toLowerCase() === "if-none-match",
      )?.[1];
      res.headers = { ...res.headers, etag: tag };
      if (inm !== undefined && tagMatches(inm, tag)) {
        // A 304 repeats what the 200 would have said about caching and handling (RFC 9110 §15.4.5).
        const { "content-type": _ct, ...headers } = SECURITY_HEADERS;
        request.response = { statusCode: 304, headers: { ...headers, etag: tag }, body: "" };
      }
    })
    .onError((request) => {
      let err = request.error;
      // A store that is down, slow or throttling is an outage the client may retry (503), not a
      // defect (500): recognised here, in one place, whatever the route was doing.
      if (!(err instanceof DomainError) && isStoreUnavailable(err)) {
        opts.logger.warn("dependency unavailable", {
          error: err instanceof Error ? `${err.name}: ${err.message}` : String(err),
        });
        err = new UnavailableError("a dependency (the store) is unavailable; retry shortly");
      }
      if (err instanceof DomainError) {
        const res = errorResult(err.status, err.code, err.message, err.details);
        if (err instanceof RateLimitedError)
          res.headers = { ...res.headers, "retry-after": String(err.retryAfterSeconds) };
        else if (err.status === 503)
          res.headers = { ...res.headers, "retry-after": String(UNAVAILABLE_RETRY_AFTER_SECONDS) };
        request.response = res;
        return;
      }
      opts.logger.error("unhandled error", {
        error: err instanceof Error ? (err.stack ?? err.message) : String(err),
      });
      // Never leak internals: the stack stays in the log.
      request.response = errorResult(500, "internal_error", "internal error; the request was logged");
    });
}

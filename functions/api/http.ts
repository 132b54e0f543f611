// The HTTP conventions of spec/api.md in one place: auth groups, JSON bodies (64 KiB, 415, 400),
// ETag / 304, error shape. Handlers only declare routes and call the domain.
// Who calls is read in identity.ts, bodies in request-body.ts, entity tags in etags.ts, times in
// present-times.ts.
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
import type { Answer } from "./contract-types.ts";
import { etagOf, tagMatches, versionedTag } from "./etags.ts";
import { type Identity, identityFrom } from "./identity.ts";
import { presentTimes } from "./present-times.ts";
import { readBody } from "./request-body.ts";
import { ROUTES, type Role, type RouteKey, routeKey } from "./routes.ts";

// zod/mini ships without messages ("Invalid input" for every mistake); the English locale says what
// was expected and what came ("expected number, received string"), which a 400 should name.
z.config(en());

export type ApiEvent = APIGatewayProxyEventV2WithJWTAuthorizer;
export type ApiResult = APIGatewayProxyStructuredResultV2;

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

function lowerHeaders(event: ApiEvent): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(event.headers ?? {})) if (v !== undefined) out[k.toLowerCase()] = v;
  return out;
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
  if (!r.success)
    throw new ValidationError(`invalid ${what}`, issuesToFields(r.error.issues, prefix, value ?? {}));
  return r.data as z.output<S>;
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

import type { Context } from "aws-lambda";
import { describe, expect, it, vi } from "vitest";
import { etagOf } from "#api/etags.ts";
import {
  type ApiEvent,
  type ApiRequest,
  type ApiResult,
  apiHandler,
  json,
  type RouteHandler,
} from "#api/http.ts";
import { parseGroups } from "#api/identity.ts";
import { presentTimes } from "#api/present-times.ts";
import { MAX_BODY_BYTES, parseJsonStrict } from "#api/request-body.ts";
import { ConflictError, NotFoundError, ValidationError } from "#domain/errors.ts";
import type { JobLogger } from "#domain/jobs/job-definition.ts";

describe("parseGroups", () => {
  it("reads API Gateway's bracketed string form", () => {
    expect(parseGroups("[admin viewer]")).toEqual(["admin", "viewer"]);
    expect(parseGroups("[viewer]")).toEqual(["viewer"]);
    // no comma form: "admin,viewer" is one (unknown) group name, see local-hardening.test.ts
    expect(parseGroups("admin,viewer")).toEqual([]);
    expect(parseGroups("[]")).toEqual([]);
  });

  it("reads real arrays", () => {
    expect(parseGroups(["viewer", "admin"])).toEqual(["viewer", "admin"]);
  });

  it("filters unknown groups and junk", () => {
    expect(parseGroups("[ops admin superuser]")).toEqual(["admin"]);
    expect(parseGroups(["root", 42, null, "viewer"])).toEqual(["viewer"]);
    expect(parseGroups("[Admin]")).toEqual([]);
    expect(parseGroups(undefined)).toEqual([]);
    expect(parseGroups(123)).toEqual([]);
    expect(parseGroups({ admin: true })).toEqual([]);
  });
});

describe("parseJsonStrict", () => {
  it("accepts ordinary JSON", () => {
    expect(parseJsonStrict('{"a":1,"b":[{"c":"d"}],"e":null}')).toEqual({ a: 1, b: [{ c: "d" }], e: null });
    expect(parseJsonStrict("[1,2]")).toEqual([1, 2]);
    expect(parseJsonStrict('"x"')).toBe("x");
  });

  for (const key of ["__proto__", "constructor", "prototype"]) {
    it(`refuses ${key} at the top level and nested`, () => {
      for (const text of [
        `{"${key}":{"polluted":true}}`,
        `{"a":{"b":{"${key}":{"polluted":true}}}}`,
        `{"list":[1,{"${key}":1}]}`,
      ]) {
        let caught: unknown;
        try {
          parseJsonStrict(text);
        } catch (e) {
          caught = e;
        }
        expect(caught, text).toBeInstanceOf(ValidationError);
        expect((caught as ValidationError).details).toEqual([{ field: key, message: "is not allowed" }]);
      }
      expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    });
  }

  it("allows those words as values and as parts of longer keys", () => {
    expect(parseJsonStrict('{"name":"__proto__","constructor_id":1}')).toEqual({
      name: "__proto__",
      constructor_id: 1,
    });
  });

  it("still throws SyntaxError on invalid JSON", () => {
    expect(() => parseJsonStrict("{bad")).toThrow(SyntaxError);
  });
});

describe("presentTimes", () => {
  it("converts *_at and *_for keys at any depth, leaving params untouched", () => {
    const out = presentTimes(
      {
        started_at: "2025-07-10T00:00:00.000Z",
        next_scheduled_for: "2025-07-10T01:00:00Z",
        name: "2025-07-10T00:00:00Z",
        params: { since_at: "2025-07-10T00:00:00Z", date: "2025-07-10" },
        results: [{ finished_at: "2025-07-10T00:00:05.250Z", count: 3 }],
        progress: { stages: [{ started_at: "2025-07-10T00:00:00Z", finished_at: null }] },
        next_fire_times: ["2025-07-10T02:00:00Z"],
      },
      "Asia/Tokyo",
    );
    expect(out).toEqual({
      started_at: "2025-07-10T09:00:00+09:00",
      next_scheduled_for: "2025-07-10T10:00:00+09:00",
      name: "2025-07-10T00:00:00Z",
      params: { since_at: "2025-07-10T00:00:00Z", date: "2025-07-10" },
      results: [{ finished_at: "2025-07-10T09:00:05.250+09:00", count: 3 }],
      progress: { stages: [{ started_at: "2025-07-10T09:00:00+09:00", finished_at: null }] },
      next_fire_times: ["2025-07-10T11:00:00+09:00"],
    });
  });

  it("does not mutate its input", () => {
    const input = { started_at: "2025-07-10T00:00:00Z" };
    presentTimes(input, "Asia/Tokyo");
    expect(input.started_at).toBe("2025-07-10T00:00:00Z");
  });
});

describe("etagOf", () => {
  it("is a stable weak tag that changes with the body", () => {
    const body = JSON.stringify({ a: 1 });
    expect(etagOf(body)).toBe(etagOf(body));
    expect(etagOf(body)).toMatch(/^W\/"[A-Za-z0-9_-]+"$/);
    expect(etagOf(body)).not.toBe(etagOf(JSON.stringify({ a: 2 })));
  });
});

// --- apiHandler -----------------------------------------------------------------------------------

const CONTEXT = {} as Context;

function event(
  routeKey: string,
  opts: {
    claims?: Record<string, string> | null;
    body?: string;
    headers?: Record<string, string>;
    query?: Record<string, string>;
    pathParameters?: Record<string, string>;
    isBase64Encoded?: boolean;
  } = {},
): ApiEvent {
  const [method, path] = routeKey.split(" ") as [string, string];
  const claims = opts.claims === undefined ? { sub: "user-1", "cognito:groups": "[viewer]" } : opts.claims;
  return {
    version: "2.0",
    routeKey,
    rawPath: path,
    rawQueryString: "",
    headers: opts.headers ?? {},
    queryStringParameters: opts.query,
    pathParameters: opts.pathParameters,
    body: opts.body,
    isBase64Encoded: opts.isBase64Encoded ?? false,
    requestContext: {
      accountId: "000000000000",
      apiId: "api",
      domainName: "localhost",
      domainPrefix: "localhost",
      http: { method, path, protocol: "HTTP/1.1", sourceIp: "127.0.0.1", userAgent: "vitest" },
      requestId: "req-1",
      routeKey,
      stage: "$default",
      time: "10/Jul/2025:00:00:00 +0000",
      timeEpoch: 0,
      authorizer:
        claims === null ? undefined : { jwt: { claims, scopes: [] }, principalId: "", integrationLatency: 0 },
    },
  } as unknown as ApiEvent;
}

function setup(routes: Record<string, RouteHandler>) {
  const logged: string[] = [];
  const logger: JobLogger = {
    debug() {},
    info() {},
    warn() {},
    error: (m, e) => {
      logged.push(`${m} ${JSON.stringify(e)}`);
    },
  };
  const handler = apiHandler(routes, { logger });
  const call = async (ev: ApiEvent) => (await handler(ev, CONTEXT)) as ApiResult;
  return { call, logged };
}

const ok = (body: unknown = { ok: true }): RouteHandler => vi.fn(async () => json(200, body));

function errorOf(res: ApiResult) {
  return JSON.parse(String(res.body)) as { error: { code: string; message: string; details?: unknown } };
}

describe("apiHandler auth", () => {
  it("lets a viewer call a viewer GET route and passes query, params and identity", async () => {
    const runs = vi.fn(async (req: ApiRequest) =>
      json(200, {
        query: req.query,
        params: req.params,
        sub: req.identity?.sub,
        groups: req.identity?.groups,
      }),
    );
    const { call } = setup({ "GET /v1/runs/{execution_uuid}": runs });
    const res = await call(
      event("GET /v1/runs/{execution_uuid}", {
        query: { limit: "5" },
        pathParameters: { execution_uuid: "abc" },
      }),
    );
    expect(runs).toHaveBeenCalledOnce();
    expect(res.statusCode).toBe(200);
    expect(JSON.parse(String(res.body))).toEqual({
      query: { limit: "5" },
      params: { execution_uuid: "abc" },
      sub: "user-1",
      groups: ["viewer"],
    });
  });

  it("refuses a viewer on an admin route with 403 and the error shape", async () => {
    const trigger = ok();
    const { call } = setup({ "POST /v1/trigger": trigger });
    const res = await call(
      event("POST /v1/trigger", {
        body: JSON.stringify({ job_name: "x" }),
        headers: { "Content-Type": "application/json" },
      }),
    );
    expect(res.statusCode).toBe(403);
    expect(errorOf(res)).toEqual({ error: { code: "forbidden", message: expect.any(String) } });
    expect(trigger).not.toHaveBeenCalled();
  });

  it("lets an admin call an admin route", async () => {
    const trigger = vi.fn(async (req: ApiRequest) => json(202, { got: req.body }));
    const { call } = setup({ "POST /v1/trigger": trigger });
    const res = await call(
      event("POST /v1/trigger", {
        claims: { sub: "admin-1", "cognito:groups": "[admin]" },
        body: JSON.stringify({ job_name: "x" }),
        headers: { "Content-Type": "application/json; charset=utf-8" },
      }),
    );
    expect(res.statusCode).toBe(202);
    expect(JSON.parse(String(res.body))).toEqual({ got: { job_name: "x" } });
  });

  it("answers 401 without claims", async () => {
    const runs = ok();
    const { call } = setup({ "GET /v1/runs": runs });
    for (const claims of [null, {} as Record<string, string>, { sub: "" }]) {
      const res = await call(event("GET /v1/runs", { claims }));
      expect(res.statusCode).toBe(401);
      expect(errorOf(res).error.code).toBe("unauthorized");
    }
    expect(runs).not.toHaveBeenCalled();
  });

  it("answers 403 to a user in no known group", async () => {
    const runs = ok();
    const { call } = setup({ "GET /v1/runs": runs });
    const res = await call(event("GET /v1/runs", { claims: { sub: "u", "cognito:groups": "[ops]" } }));
    expect(res.statusCode).toBe(403);
    expect(runs).not.toHaveBeenCalled();
  });

  it("serves healthz without auth and unknown routes with 404", async () => {
    const { call } = setup({ "GET /healthz": ok() });
    expect((await call(event("GET /healthz", { claims: null }))).statusCode).toBe(200);
    const res = await call(event("GET /v1/nope"));
    expect(res.statusCode).toBe(404);
    expect(errorOf(res).error.code).toBe("not_found");
  });

  it("treats a route missing from the route table as admin-only", async () => {
    const secret = ok();
    const { call } = setup({ "GET /v1/secret": secret });
    expect((await call(event("GET /v1/secret"))).statusCode).toBe(403);
    expect(secret).not.toHaveBeenCalled();
  });
});

describe("apiHandler errors", () => {
  it("maps a plain Error to 500 internal_error without leaking the stack", async () => {
    const { call, logged } = setup({
      "GET /v1/runs": async () => {
        throw new Error("db password is hunter2");
      },
    });
    const res = await call(event("GET /v1/runs"));
    expect(res.statusCode).toBe(500);
    const body = String(res.body);
    expect(errorOf(res)).toEqual({ error: { code: "internal_error", message: expect.any(String) } });
    expect(body).not.toContain("hunter2");
    expect(body).not.toMatch(/at .*\.ts:\d+/);
    expect(body).not.toContain("stack");
    expect(logged.some((l) => l.includes("hunter2"))).toBe(true);
  });

  it("maps a DomainError to its status, code and details", async () => {
    const { call } = setup({
      "GET /v1/runs/{execution_uuid}": async () => {
        throw new NotFoundError("run", "abc");
      },
      "GET /v1/runs": async () => {
        throw new ConflictError("already_running", "job is running", { holder: "x" });
      },
    });
    const nf = await call(event("GET /v1/runs/{execution_uuid}"));
    expect(nf.statusCode).toBe(404);
    expect(errorOf(nf)).toEqual({
      error: { code: "not_found", message: "run 'abc' does not exist", details: { run: "abc" } },
    });
    const conflict = await call(event("GET /v1/runs"));
    expect(conflict.statusCode).toBe(409);
    expect(errorOf(conflict).error).toEqual({
      code: "already_running",
      message: "job is running",
      details: { holder: "x" },
    });
  });
});

describe("apiHandler bodies", () => {
  const admin = { sub: "admin-1", "cognito:groups": "[admin]" };

  it("refuses a body over 64 KiB with 413", async () => {
    const trigger = ok();
    const { call } = setup({ "POST /v1/trigger": trigger });
    const big = JSON.stringify({ pad: "x".repeat(MAX_BODY_BYTES) });
    const res = await call(
      event("POST /v1/trigger", {
        claims: admin,
        body: big,
        headers: { "content-type": "application/json" },
      }),
    );
    expect(res.statusCode).toBe(413);
    expect(errorOf(res).error.code).toBe("payload_too_large");
    expect(trigger).not.toHaveBeenCalled();
  });

  it("measures base64 bodies after decoding", async () => {
    const trigger = vi.fn(async (req: ApiRequest) => json(200, req.body));
    const { call } = setup({ "POST /v1/trigger": trigger });
    const res = await call(
      event("POST /v1/trigger", {
        claims: admin,
        body: Buffer.from('{"a":1}').toString("base64"),
        isBase64Encoded: true,
        headers: { "content-type": "application/json" },
      }),
    );
    expect(res.statusCode).toBe(200);
    expect(JSON.parse(String(res.body))).toEqual({ a: 1 });
  });

  it("refuses a non-JSON content type with 415", async () => {
    const trigger = ok();
    const { call } = setup({ "POST /v1/trigger": trigger });
    for (const headers of [{ "content-type": "text/plain" }, {}] as Record<string, string>[]) {
      const res = await call(event("POST /v1/trigger", { claims: admin, body: '{"a":1}', headers }));
      expect(res.statusCode).toBe(415);
      expect(errorOf(res).error.code).toBe("unsupported_media_type");
    }
    expect(trigger).not.toHaveBeenCalled();
  });

  it("answers 400 for invalid JSON and for forbidden keys", async () => {
    const trigger = ok();
    const { call } = setup({ "POST /v1/trigger": trigger });
    const headers = { "content-type": "application/json" };
    const bad = await call(event("POST /v1/trigger", { claims: admin, body: "{nope", headers }));
    expect(bad.statusCode).toBe(400);
    expect(errorOf(bad).error.code).toBe("invalid_request");
    const proto = await call(
      event("POST /v1/trigger", { claims: admin, body: '{"params":{"__proto__":{"x":1}}}', headers }),
    );
    expect(proto.statusCode).toBe(400);
    expect(errorOf(proto).error.details).toEqual([{ field: "__proto__", message: "is not allowed" }]);
    expect(trigger).not.toHaveBeenCalled();
  });
});

describe("apiHandler ETag", () => {
  it("adds an etag to a GET 200 and answers 304 to a matching If-None-Match", async () => {
    const { call } = setup({ "GET /v1/runs": ok({ results: [1, 2, 3] }) });
    const first = await call(event("GET /v1/runs"));
    expect(first.statusCode).toBe(200);
    const tag = first.headers?.etag as string;
    expect(tag).toBe(etagOf(String(first.body)));

    const again = await call(event("GET /v1/runs", { headers: { "If-None-Match": tag } }));
    expect(again.statusCode).toBe(304);
    expect(again.body).toBe("");
    expect(again.headers?.etag).toBe(tag);

    const listed = await call(event("GET /v1/runs", { headers: { "if-none-match": `W/"other", ${tag}` } }));
    expect(listed.statusCode).toBe(304);

    const stale = await call(event("GET /v1/runs", { headers: { "if-none-match": 'W/"stale"' } }));
    expect(stale.statusCode).toBe(200);
    expect(JSON.parse(String(stale.body))).toEqual({ results: [1, 2, 3] });
  });

  it("adds no etag to non-GET or non-200 answers", async () => {
    const { call } = setup({
      "POST /v1/trigger": async () => json(200, { ok: true }),
      "GET /v1/runs": async () => json(202, { ok: true }),
    });
    const post = await call(event("POST /v1/trigger", { claims: { sub: "a", "cognito:groups": "[admin]" } }));
    expect(post.statusCode).toBe(200);
    expect(post.headers?.etag).toBeUndefined();
    const accepted = await call(event("GET /v1/runs"));
    expect(accepted.headers?.etag).toBeUndefined();
  });
});

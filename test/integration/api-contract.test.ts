// The conventions of spec/api.md over real HTTP: auth, errors, bad input, pagination, caching.
import { randomUUID } from "node:crypto";
import { SignJWT } from "jose";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { newRun } from "#domain/runs/run-lifecycle.ts";
import type { Run, RunStatus, TriggerSource } from "#schemas/run.ts";
import { type Harness, startHarness } from "#test/helpers/harness.ts";

let h: Harness;
beforeAll(async () => {
  h = await startHarness();
});
afterAll(async () => {
  await h?.stop();
});

const expectErrorShape = (body: any, code?: string) => {
  expect(body).toHaveProperty("error");
  expect(typeof body.error.code).toBe("string");
  expect(typeof body.error.message).toBe("string");
  if (code) expect(body.error.code).toBe(code);
  expect(JSON.stringify(body)).not.toMatch(/\n\s+at /); // never a stack trace
};

describe("auth", () => {
  it("no token → 401 on every /v1 route; /healthz needs none", async () => {
    for (const [m, p] of [
      ["GET", "/v1/runs"],
      ["GET", `/v1/runs/${randomUUID()}`],
      ["POST", "/v1/trigger"],
      ["GET", "/v1/jobs"],
      ["GET", "/v1/jobs/recap.pipeline"],
      ["PUT", "/v1/jobs/recap.pipeline/enabled"],
      ["GET", "/v1/openapi.json"],
    ] as const) {
      const r = await h.call(m, p, { body: m === "GET" ? undefined : {} });
      expect(r.status, `${m} ${p}`).toBe(401);
      expectErrorShape(r.body, "unauthorized");
    }
    const health = await h.call("GET", "/healthz");
    expect(health.status).toBe(200);
    expect(health.body).toEqual({ ok: true, dynamodb: "up" });
  });

  it("a token with a bad signature, an expired one or another issuer → 401", async () => {
    const good = await h.token(["admin"]);
    const [head, payload, sig] = good.split(".");
    const tampered = `${head}.${payload}.${sig!.slice(0, -4)}AAAA`;
    const foreignKey = new TextEncoder().encode("not-the-local-secret-not-the-local-secret");
    const foreign = await new SignJWT({ "cognito:groups": ["admin"] })
      .setProtectedHeader({ alg: "HS256" })
      .setSubject("mallory")
      .setIssuer("jobdeck-local")
      .setAudience("jobdeck")
      .setExpirationTime("1h")
      .sign(foreignKey);
    const expired = (
      await (
        await fetch(`${h.url}/local/token`, {
          method: "POST",
          headers: { "content-type": "application/json" },
          body: JSON.stringify({ sub: "old", groups: ["admin"], expires_in_seconds: -60 }),
        })
      ).json()
    ).token;
    for (const token of [tampered, foreign, expired, "not-a-jwt", ""]) {
      const r = await h.call("GET", "/v1/runs", { token });
      expect(r.status).toBe(401);
      expectErrorShape(r.body, "unauthorized");
    }
  });

  it("viewer may GET but not POST/PUT (403); admin may do both", async () => {
    const viewer = await h.token(["viewer"], "vera");
    expect((await h.call("GET", "/v1/runs", { token: viewer })).status).toBe(200);
    expect((await h.call("GET", "/v1/jobs", { token: viewer })).status).toBe(200);
    const post = await h.call("POST", "/v1/trigger", { token: viewer, body: { job_name: "test.slow" } });
    expect(post.status).toBe(403);
    expectErrorShape(post.body, "forbidden");
    const put = await h.call("PUT", "/v1/jobs/test.slow/enabled", {
      token: viewer,
      body: { enabled: false, reason: "test" },
    });
    expect(put.status).toBe(403);
    const none = await h.token([], "nobody");
    expect((await h.call("GET", "/v1/runs", { token: none })).status).toBe(403);
    // the refused write changed nothing
    expect((await h.admin("GET", "/v1/jobs/test.slow")).body.enabled).toBe(true);
  });
});

describe("bad input never yields a 5xx", () => {
  it.each([
    [
      "malformed JSON",
      { raw: '{"job_name": ', headers: { "content-type": "application/json" } },
      400,
      "invalid_request",
    ],
    [
      "not JSON at all",
      { raw: "job_name=x", headers: { "content-type": "application/x-www-form-urlencoded" } },
      415,
      "unsupported_media_type",
    ],
    [
      "JSON without content type",
      { raw: '{"job_name":"recap.pipeline"}', headers: { "content-type": "text/plain" } },
      415,
      "unsupported_media_type",
    ],
    ["wrong type of job_name", { body: { job_name: 42 } }, 400, "invalid_request"],
    [
      "unknown top-level field",
      { body: { job_name: "recap.pipeline", force: true } },
      400,
      "invalid_request",
    ],
    [
      "unknown field in options",
      { body: { job_name: "listed_companies.sync", options: { dryrun: true } } },
      400,
      "invalid_request",
    ],
    [
      "wrong type in options",
      { body: { job_name: "listed_companies.sync", options: { dry_run: "yes" } } },
      400,
      "invalid_request",
    ],
    [
      "options not an object",
      { body: { job_name: "recap.pipeline", options: [1, 2] } },
      400,
      "invalid_request",
    ],
    ["unknown job", { body: { job_name: "no.such_job" } }, 404, "not_found"],
    [
      "prototype pollution key",
      {
        raw: '{"job_name":"recap.pipeline","options":{"__proto__":{"x":1}}}',
        headers: { "content-type": "application/json" },
      },
      400,
      "invalid_request",
    ],
    [
      "body over 64 KiB",
      { body: { job_name: "recap.pipeline", options: { pad: "x".repeat(70 * 1024) } } },
      413,
      "payload_too_large",
    ],
    [
      "body over the server's hard cap",
      { body: { job_name: "recap.pipeline", options: { pad: "x".repeat(2 * 1024 * 1024) } } },
      413,
      "payload_too_large",
    ],
    ["empty body", { raw: "", headers: { "content-type": "application/json" } }, 400, "invalid_request"],
  ])("POST /v1/trigger with %s", async (_name, opts, status, code) => {
    const r = await h.call("POST", "/v1/trigger", { token: await h.token(["admin"]), ...(opts as object) });
    expect(r.status).toBe(status);
    expectErrorShape(r.body, code as string);
  });

  it("400 names each bad field", async () => {
    const r = await h.admin("POST", "/v1/trigger", {
      job_name: "recap.pipeline",
      options: { max_per_genre: 0, stage_delay_ms: "fast", genres: ["weather"] },
    });
    expect(r.status).toBe(400);
    const fields = r.body.error.details.map((d: { field: string }) => d.field).sort();
    expect(fields).toEqual(["options.genres.0", "options.max_per_genre", "options.stage_delay_ms"]);
  });

  it("bad UUID → 400, unknown UUID → 404, unknown route → 404, wrong method → 405", async () => {
    const bad = await h.admin("GET", "/v1/runs/not-a-uuid");
    expect(bad.status).toBe(400);
    expectErrorShape(bad.body, "invalid_request");
    const unknown = await h.admin("GET", `/v1/runs/${randomUUID()}`);
    expect(unknown.status).toBe(404);
    expectErrorShape(unknown.body, "not_found");
    const route = await h.admin("GET", "/v1/nothing-here");
    expect(route.status).toBe(404);
    expectErrorShape(route.body);
    const method = await h.admin("DELETE", "/v1/runs");
    expect(method.status).toBe(405);
    expectErrorShape(method.body, "method_not_allowed");
    const job = await h.admin("GET", "/v1/jobs/no.such_job");
    expect(job.status).toBe(404);
    const badEnabled = await h.admin("PUT", "/v1/jobs/recap.pipeline/enabled", { enabled: "no" });
    expect(badEnabled.status).toBe(400);
  });

  it.each([
    ["limit=0", 400],
    ["limit=101", 400],
    ["limit=abc", 400],
    ["status=DONE", 400],
    ["started_after=yesterday", 400],
    ["trigger_source=cron", 400],
    ["job_name=Bad%20Name", 400],
    ["unknown=1", 400],
    ["started_after=2025-02-01T00:00:00Z&started_before=2025-01-01T00:00:00Z", 400],
    ["status=SUCCESS,FAILURE&limit=5", 200],
  ])("GET /v1/runs?%s → %i", async (qs, status) => {
    const r = await h.admin("GET", `/v1/runs?${qs}`);
    expect(r.status).toBe(status);
    if (status !== 200) expectErrorShape(r.body, "invalid_request");
  });
});

describe("history paging and filters", () => {
  const made: Run[] = [];
  beforeAll(async () => {
    // 23 runs over three months, two jobs, mixed statuses and trigger sources.
    const base = Date.parse("2025-08-28T10:00:00Z");
    const statuses: RunStatus[] = ["SUCCESS", "FAILURE", "SUCCESS", "SKIPPED"];
    const sources: TriggerSource[] = ["manual", "schedule", "api"];
    for (let i = 0; i < 23; i++) {
      const job = i % 3 === 0 ? "listed_companies.sync" : "recap.pipeline";
      const run = newRun({
        execution_uuid: randomUUID(),
        job_name: job,
        params: {},
        data_source: job === "recap.pipeline" ? ["recap_articles"] : ["jquants_listed_info"],
        concurrency_key: job,
        trigger_source: sources[i % 3]!,
        triggered_by: "seed",
        status: "RUNNING",
        now: new Date(base + i * 3 * 24 * 3600 * 1000 + i * 1000),
      });
      const finished = { ...run, status: statuses[i % 4]!, finished_at: run.started_at, duration_seconds: 1 };
      expect(await h.stack.deps.runs.create(finished)).toBe(true);
      made.push(finished);
    }
    made.sort((a, b) => (a.started_at < b.started_at ? 1 : -1));
  });

  const walk = async (qs: string) => {
    const ids: string[] = [];
    let cursor: string | null = null;
    let pages = 0;
    do {
      const r = await h.admin(
        "GET",
        `/v1/runs?${qs}${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ""}`,
      );
      expect(r.status).toBe(200);
      expect(r.body.count).toBe(r.body.results.length);
      ids.push(...r.body.results.map((x: Run) => x.execution_uuid));
      cursor = r.body.next_cursor;
      pages++;
      expect(pages).toBeLessThan(50);
    } while (cursor);
    return { ids, pages };
  };

  it("pages of limit=2 walk every run newest first, without duplicate or gap, across month buckets", async () => {
    const { ids, pages } = await walk("limit=2");
    expect(ids).toEqual(made.map((r) => r.execution_uuid));
    expect(pages).toBe(12); // 23 runs → 11 full pages + 1; the last page has next_cursor null
  });

  it("default page size is 100 with next_cursor null on the last page", async () => {
    const r = await h.admin("GET", "/v1/runs");
    expect(r.body.count).toBe(23);
    expect(r.body.next_cursor).toBeNull();
    expect(r.body.next_scheduled_for).toBeNull();
  });

  it("filters combine, and paging within a filter is exact", async () => {
    const qs =
      "job_name=recap.pipeline&status=SUCCESS,FAILURE&trigger_source=schedule&started_after=2025-09-01T00:00:00%2B09:00";
    const expected = made.filter(
      (r) =>
        r.job_name === "recap.pipeline" &&
        ["SUCCESS", "FAILURE"].includes(r.status) &&
        r.trigger_source === "schedule" &&
        r.started_at >= "2025-08-31T15:00:00.000Z",
    );
    expect(expected.length).toBeGreaterThan(1);
    const { ids } = await walk(`${qs}&limit=1`);
    expect(ids).toEqual(expected.map((r) => r.execution_uuid));
    const ds = await walk("data_source=jquants_listed_info&limit=3");
    expect(ds.ids).toEqual(
      made.filter((r) => r.job_name === "listed_companies.sync").map((r) => r.execution_uuid),
    );
    const period = await walk(
      "started_after=2025-09-10T00:00:00Z&started_before=2025-10-10T00:00:00Z&limit=4",
    );
    expect(period.ids).toEqual(
      made
        .filter(
          (r) => r.started_at >= "2025-09-10T00:00:00.000Z" && r.started_at <= "2025-10-10T00:00:00.000Z",
        )
        .map((r) => r.execution_uuid),
    );
  });

  it("a tampered cursor or one from another query → 400", async () => {
    const first = await h.admin("GET", "/v1/runs?limit=2");
    const cursor: string = first.body.next_cursor;
    const [body, sig] = cursor.split(".");
    const decoded = JSON.parse(Buffer.from(body!, "base64url").toString());
    decoded.p.started_at = "2099-01-01T00:00:00.000Z";
    const forged = `${Buffer.from(JSON.stringify(decoded)).toString("base64url")}.${sig}`;
    for (const c of [forged, `${cursor}x`, "garbage", `${body}.`]) {
      const r = await h.admin("GET", `/v1/runs?limit=2&cursor=${encodeURIComponent(c)}`);
      expect(r.status).toBe(400);
      expectErrorShape(r.body, "invalid_request");
    }
    const foreign = await h.admin(
      "GET",
      `/v1/runs?limit=2&job_name=recap.pipeline&cursor=${encodeURIComponent(cursor)}`,
    );
    expect(foreign.status).toBe(400);
  });
});

describe("caching and documents", () => {
  it("GET answers carry an ETag; If-None-Match gives 304 with no body", async () => {
    const first = await h.admin("GET", "/v1/jobs/recap.pipeline");
    const etag = first.headers.get("etag");
    // Strong (a digest of the exact bytes, with the stored version first) or weak (a list).
    expect(etag).toMatch(/^(W\/)?".+"$/);
    const again = await h.admin("GET", "/v1/jobs/recap.pipeline", undefined, { "if-none-match": etag! });
    expect(again.status).toBe(304);
    expect(again.body).toBeNull();
    const changed = await h.admin("GET", "/v1/jobs/recap.pipeline", undefined, {
      "if-none-match": 'W/"other"',
    });
    expect(changed.status).toBe(200);
  });

  it("GET /v1/jobs lists every registered job with its JSON Schema and summaries", async () => {
    const r = await h.admin("GET", "/v1/jobs");
    const names = r.body.results.map((j: { name: string }) => j.name);
    expect(names).toEqual(expect.arrayContaining(["listed_companies.sync", "recap.pipeline"]));
    const recap = r.body.results.find((j: { name: string }) => j.name === "recap.pipeline");
    expect(recap.parameter_schema.$schema).toBe("https://json-schema.org/draft/2020-12/schema");
    expect(recap.parameter_schema.properties.max_per_genre.default).toBe(5);
    expect(recap.parameter_schema.additionalProperties).toBe(false);
    expect(recap).toMatchObject({
      category: "pipeline",
      enabled: true,
      concurrency: "job",
      next_scheduled_for: null,
      schedules: [],
    });
    expect(recap.last_run.status).toBeDefined();
    expect(recap.stats_24h).toHaveProperty("success_rate");
    expect(Array.isArray(recap.active_runs)).toBe(true);
  });

  it("GET /v1/openapi.json is an OpenAPI 3.1 document covering every route", async () => {
    const r = await h.admin("GET", "/v1/openapi.json");
    expect(r.body.openapi).toBe("3.1.0");
    expect(Object.keys(r.body.paths)).toEqual(
      expect.arrayContaining([
        "/v1/runs",
        "/v1/runs/{execution_uuid}",
        "/v1/trigger",
        "/v1/jobs",
        "/v1/jobs/{job_name}",
        "/v1/jobs/{job_name}/enabled",
      ]),
    );
    expect(r.body.components.schemas.Run.properties.execution_uuid).toBeDefined();
  });

  it("POST /local/token validates its input", async () => {
    const r = await h.call("POST", "/local/token", { body: { sub: "x", groups: ["root"] } });
    expect(r.status).toBe(400);
    expectErrorShape(r.body);
  });
});

describe("rate limit on manual starts", () => {
  it("a user's 4th start within a minute (limit 3) is 429 with Retry-After; other users are not affected", async () => {
    // 10 s into the current minute, frozen. Not a date in the past: the counter items carry a TTL,
    // and DynamoDB Local sweeps items whose TTL has passed in real time.
    const at = new Date(Math.floor(Date.now() / 60_000) * 60_000 + 10_000);
    const limited = await startHarness({ triggersPerMinute: 3, clock: { now: () => at } });
    try {
      const one = await limited.token(["admin"], "busy");
      const other = await limited.token(["admin"], "calm");
      const start = (token: string) =>
        limited.call("POST", "/v1/trigger", {
          token,
          body: { job_name: "test.per_params", options: { key: Math.random().toString(36), ms: 0 } },
        });
      // invalid requests are refused before they count
      expect(
        (await limited.call("POST", "/v1/trigger", { token: one, body: { job_name: "test.per_params" } }))
          .status,
      ).toBe(400);
      for (let i = 0; i < 3; i++) expect((await start(one)).status).toBe(202);
      const refused = await start(one);
      expect(refused.status).toBe(429);
      expect(refused.body.error.code).toBe("rate_limited");
      expect(refused.headers.get("retry-after")).toBe("50");
      expect((await start(other)).status).toBe(202);
    } finally {
      await limited.stop();
    }
  });
});

describe("security headers", () => {
  it("every API answer, success or error, carries the security headers and no stack trace", async () => {
    const admin = await h.token(["admin"]);
    const answers = await Promise.all([
      h.call("GET", "/v1/jobs", { token: admin }),
      h.call("GET", "/v1/runs?limit=abc", { token: admin }),
      h.call("GET", "/v1/runs", { token: null }),
      h.call("GET", "/v1/nope", { token: admin }),
      h.call("POST", "/v1/trigger", {
        token: admin,
        raw: "{not json",
        headers: { "content-type": "application/json" },
      }),
    ]);
    expect(answers.map((a) => a.status)).toEqual([200, 400, 401, 404, 400]);
    for (const a of answers) {
      expect(a.headers.get("x-content-type-options")).toBe("nosniff");
      expect(a.headers.get("content-security-policy")).toBe("default-src 'none'; frame-ancestors 'none'");
      expect(a.headers.get("x-frame-options")).toBe("DENY");
      expect(a.headers.get("referrer-policy")).toBe("no-referrer");
      expect(a.headers.get("strict-transport-security")).toMatch(/^max-age=\d+/);
      expect(a.headers.get("cache-control")).toContain("private");
      expect(JSON.stringify(a.body)).not.toMatch(/\n\s+at |\.ts:\d+/);
    }
  });
});

// HTTP semantics off the happy path, each test named after a defect an independent check found:
// bad encodings and over-deep bodies, the 401 challenge, conditional writes, stable dashboard
// ETags, and times always answered with the display offset.
import { request } from "node:http";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ROUTES } from "../../functions/api/routes.ts";
import { type Harness, isFinished, startHarness } from "../helpers/harness.ts";

let h: Harness;
beforeAll(async () => {
  h = await startHarness();
});
afterAll(async () => {
  await h?.stop();
});

const withParams = ROUTES.filter((r) => r.path.includes("{"));
const concrete = (path: string, value: string) => path.replace(/\{\w+\}/g, value);

describe("input that used to break the API", () => {
  it("a malformed percent-encoding in any path parameter (GET /v1/runs/%ZZ) answered 500: now 400 naming the parameter", async () => {
    expect(withParams.length).toBeGreaterThanOrEqual(8);
    for (const r of withParams) {
      for (const bad of ["%ZZ", "%", "%E0%A4%A", "abc%2"]) {
        const res = await h.admin(r.method, concrete(r.path, bad), r.method === "GET" ? undefined : {});
        expect(res.status, `${r.method} ${r.path} with ${bad}`).toBe(400);
        expect(res.body.error.code).toBe("invalid_request");
        expect(res.body.error.details[0].field).toMatch(/^(execution_uuid|job_name|id)$/);
      }
    }
  });

  it("deeply nested JSON leaked 'Maximum call stack size exceeded': now 400 without internals", async () => {
    for (const depth of [33, 1000, 10_000]) {
      const raw = `{"job_name":"test.flaky","options":{"a":${"[".repeat(depth)}${"]".repeat(depth)}}}`;
      const res = await h.call("POST", "/v1/trigger", {
        token: await h.token(["admin"]),
        raw,
        headers: { "content-type": "application/json" },
      });
      expect(res.status, `depth ${depth}`).toBe(raw.length > 64 * 1024 ? 413 : 400);
      expect(JSON.stringify(res.body)).not.toMatch(/call stack|RangeError|at .*\.ts/);
    }
    // Nesting inside a string is text, not depth.
    const inString = await h.admin("POST", "/v1/schedules/preview", {
      schedule_expression: `${"[".repeat(200)}`,
    });
    expect(inString.status).toBe(200);
    expect(inString.body.valid).toBe(false);
  });

  it("a body sent with GET is ignored, not refused", async () => {
    // fetch() cannot send one; a raw request can.
    const token = await h.token(["viewer"]);
    const status = await new Promise<number>((resolve, reject) => {
      const req = request(`${h.url}/v1/jobs`, {
        method: "GET",
        headers: { authorization: `Bearer ${token}`, "content-type": "text/plain", "content-length": 8 },
      });
      req.on("response", (res) => {
        res.resume();
        resolve(res.statusCode ?? 0);
      });
      req.on("error", reject);
      req.end("not json");
    });
    expect(status).toBe(200);
  });
});

describe("the 401 challenge", () => {
  it("401 carried no WWW-Authenticate: every /v1 route now names the Bearer scheme", async () => {
    for (const r of ROUTES.filter((x) => x.role !== null)) {
      const res = await h.call(r.method, concrete(r.path, "x"), { token: "not-a-token" });
      expect(res.status, `${r.method} ${r.path}`).toBe(401);
      expect(res.headers.get("www-authenticate"), r.path).toMatch(/^Bearer\b/);
    }
  });
});

describe("conditional writes (If-Match)", () => {
  it("a stale If-Match on a schedule write was ignored: now 412 and nothing changes; the current one or none works", async () => {
    const created = await h.admin("POST", "/v1/schedules", {
      job_name: "test.flaky",
      schedule_expression: "cron(0 3 * * ? *)",
      description: "first",
    });
    expect(created.status).toBe(201);
    expect(created.headers.get("location")).toBe(`/v1/schedules/${created.body.id}`);
    const path = `/v1/schedules/${created.body.id}`;
    const seen = await h.admin("GET", path);
    const tag = seen.headers.get("etag")!;
    expect(tag).toBe(created.headers.get("etag"));

    // Someone else changes it (no If-Match: unconditional, as before).
    const other = await h.admin("PATCH", path, { description: "second" });
    expect(other.status).toBe(200);
    expect(other.headers.get("etag")).not.toBe(tag);

    // Our writes with the old tag are refused and change nothing.
    for (const [method, body] of [
      ["PATCH", { description: "mine" }],
      ["PUT", { job_name: "test.flaky", schedule_expression: "cron(0 4 * * ? *)" }],
      ["DELETE", undefined],
    ] as const) {
      const res = await h.admin(method, path, body, { "if-match": tag });
      expect(res.status, method).toBe(412);
      expect(res.body.error.code).toBe("precondition_failed");
    }
    expect((await h.admin("GET", path)).body.description).toBe("second");

    // The current tag works, and so does `*`.
    const fresh = (await h.admin("GET", path)).headers.get("etag")!;
    expect((await h.admin("PATCH", path, { description: "mine" }, { "if-match": fresh })).status).toBe(200);
    expect((await h.admin("DELETE", path, undefined, { "if-match": "*" })).status).toBe(204);
    expect((await h.admin("PATCH", path, { description: "x" }, { "if-match": "*" })).status).toBe(404);
  });

  it("If-Match on a job's enabled flag: stale → 412, current → 200", async () => {
    const path = "/v1/jobs/test.per_params/enabled";
    const on = await h.admin("PUT", path, { enabled: true });
    expect(on.status).toBe(200);
    const tag = on.headers.get("etag")!;
    expect((await h.admin("PUT", path, { enabled: false })).status).toBe(200);
    const stale = await h.admin("PUT", path, { enabled: true }, { "if-match": tag });
    expect(stale.status).toBe(412);
    expect((await h.admin("GET", "/v1/jobs/test.per_params")).body.enabled).toBe(false);
    const current = await h.admin("PUT", path, { enabled: true }, { "if-match": 'W/"enabled-false"' });
    expect(current.status).toBe(200);
    expect(current.body.enabled).toBe(true);
  });
});

describe("caching", () => {
  it("/v1/dashboard/job-stats and /job-progress never answered 304 (their ETag hashed generated_at): an idle dashboard now does", async () => {
    for (const path of ["/v1/dashboard/job-stats?window=24h", "/v1/dashboard/job-progress"]) {
      const first = await h.admin("GET", path);
      expect(first.status).toBe(200);
      await new Promise((r) => setTimeout(r, 1100)); // generated_at and since move on
      const again = await h.admin("GET", path, undefined, { "if-none-match": first.headers.get("etag")! });
      expect(again.status, path).toBe(304);
    }
    // …and a change is seen at once.
    const before = await h.admin("GET", "/v1/dashboard/job-progress");
    const t = await h.admin("POST", "/v1/trigger", { job_name: "test.flaky" });
    await h.waitForRun(t.body.execution_uuid, isFinished);
    const after = await h.admin("GET", "/v1/dashboard/job-progress", undefined, {
      "if-none-match": before.headers.get("etag")!,
    });
    expect(after.status).toBe(200);
  });
});

describe("times", () => {
  it("schedule start_date/end_date and job-stats since came back in UTC: every time now carries the display offset", async () => {
    const s = await h.admin("POST", "/v1/schedules", {
      job_name: "test.flaky",
      schedule_expression: "rate(1 hour)",
      start_date: "2031-01-01T00:00:00Z",
      end_date: "2031-02-01T00:00:00Z",
    });
    expect(s.status).toBe(201);
    expect(s.body.start_date).toBe("2031-01-01T09:00:00+09:00");
    expect(s.body.end_date).toBe("2031-02-01T09:00:00+09:00");
    const stats = await h.admin("GET", "/v1/dashboard/job-stats?window=1h");
    expect(stats.body.since).toMatch(/\+09:00$/);
    await h.admin("DELETE", `/v1/schedules/${s.body.id}`);
  });
});

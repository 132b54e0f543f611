// HTTP semantics off the happy path, each test named after a defect an independent check found:
// bad encodings and over-deep bodies, the 401 challenge, conditional writes, stable dashboard
// ETags, and times always answered with the display offset.
import { request } from "node:http";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ROUTES } from "#api/routes.ts";
import { type Harness, isFinished, startHarness } from "#test/helpers/harness.ts";

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
    // The same stored version as the create answered (the part If-Match compares).
    expect(tag.split(".")[0]).toBe(created.headers.get("etag")?.split(".")[0]);

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

  it("the ETag of GET /v1/jobs/{name} could never be used as If-Match: now it can, and a stale one is 412", async () => {
    const path = "/v1/jobs/test.per_params/enabled";
    expect((await h.admin("PUT", path, { enabled: true })).status).toBe(200);
    const read = await h.admin("GET", "/v1/jobs/test.per_params");
    const tag = read.headers.get("etag")!;
    // Someone else turns it off; our write conditioned on what we read is refused.
    expect((await h.admin("PUT", path, { enabled: false, reason: "test" })).status).toBe(200);
    const stale = await h.admin("PUT", path, { enabled: true }, { "if-match": tag });
    expect(stale.status).toBe(412);
    expect((await h.admin("GET", "/v1/jobs/test.per_params")).body.enabled).toBe(false);
    // Read again: that tag works…
    const fresh = (await h.admin("GET", "/v1/jobs/test.per_params")).headers.get("etag")!;
    expect((await h.admin("PUT", path, { enabled: true }, { "if-match": fresh })).status).toBe(200);
    // …and one read before a run changed the job's last_run still does: only the flag counts.
    const current = await h.admin("GET", "/v1/jobs/test.per_params");
    const t = await h.admin("POST", "/v1/trigger", {
      job_name: "test.per_params",
      options: { key: "k", ms: 1 },
    });
    expect(t.status).toBe(202);
    await h.waitForRun(t.body.execution_uuid, isFinished);
    const after = await h.admin("GET", "/v1/jobs/test.per_params");
    expect(after.headers.get("etag")).not.toBe(current.headers.get("etag"));
    const ok = await h.admin(
      "PUT",
      path,
      { enabled: false, reason: "test" },
      { "if-match": current.headers.get("etag")! },
    );
    expect(ok.status).toBe(200);
    expect(ok.body.enabled).toBe(false);
    await h.admin("PUT", path, { enabled: true });
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

describe("what an independent probe found next", () => {
  it("GET /v1/schedules/{id} answered 304 while its next_fire_times had moved on: the ETag now follows them", async () => {
    let now = new Date("2031-03-01T00:00:10Z");
    const clocked = await startHarness({ clock: { now: () => now } });
    try {
      const s = await clocked.admin("POST", "/v1/schedules", {
        job_name: "test.flaky",
        schedule_expression: "rate(1 minute)",
      });
      const path = `/v1/schedules/${s.body.id}`;
      const first = await clocked.admin("GET", path);
      const tag = first.headers.get("etag")!;
      expect((await clocked.admin("GET", path, undefined, { "if-none-match": tag })).status).toBe(304);
      now = new Date(now.getTime() + 62_000);
      const later = await clocked.admin("GET", path, undefined, { "if-none-match": tag });
      expect(later.status).toBe(200);
      expect(later.body.next_fire_times[0]).not.toBe(first.body.next_fire_times[0]);
      // …while a write conditioned on the first read still goes through: the schedule is unchanged.
      const patched = await clocked.admin("PATCH", path, { description: "x" }, { "if-match": tag });
      expect(patched.status).toBe(200);
    } finally {
      await clocked.stop();
    }
  });

  it("a 304 dropped the headers every other answer carries", async () => {
    const first = await h.admin("GET", "/v1/jobs");
    const again = await h.admin("GET", "/v1/jobs", undefined, {
      "if-none-match": first.headers.get("etag")!,
    });
    expect(again.status).toBe(304);
    for (const name of [
      "cache-control",
      "x-content-type-options",
      "content-security-policy",
      "x-frame-options",
    ])
      expect(again.headers.get(name), name).toBe(first.headers.get(name));
  });

  it("a 2 MiB body on a GET answered an undocumented 413: a GET's body is not read", async () => {
    const token = await h.token(["viewer"]);
    const size = 2 * 1024 * 1024;
    const status = await new Promise<number>((resolve, reject) => {
      const req = request(`${h.url}/v1/jobs`, {
        method: "GET",
        headers: { authorization: `Bearer ${token}`, "content-type": "text/plain", "content-length": size },
      });
      req.on("response", (res) => {
        res.resume();
        resolve(res.statusCode ?? 0);
      });
      req.on("error", reject);
      req.end(Buffer.alloc(size, 0x61));
    });
    expect(status).toBe(200);
  });

  it("preview and the saved schedule disagreed for rate() (now + rate vs the whole minute)", async () => {
    const preview = await h.admin("POST", "/v1/schedules/preview", { schedule_expression: "rate(1 hour)" });
    const saved = await h.admin("POST", "/v1/schedules", {
      job_name: "test.flaky",
      schedule_expression: "rate(1 hour)",
    });
    expect(preview.body.next_fire_times[0]).toMatch(/:00\+09:00$/);
    // Same minute unless the clock crossed a minute between the two calls.
    const diff = Date.parse(saved.body.next_fire_times[0]) - Date.parse(preview.body.next_fire_times[0]);
    expect([0, 60_000]).toContain(diff);
    await h.admin("DELETE", `/v1/schedules/${saved.body.id}`);
  });

  it("a charset other than UTF-8 was ignored and invalid UTF-8 became U+FFFD: now 415 and 400", async () => {
    const token = await h.token(["admin"]);
    const body = JSON.stringify({ schedule_expression: "rate(1 hour)" });
    const utf16 = await h.call("POST", "/v1/schedules/preview", {
      token,
      raw: body,
      headers: { "content-type": "application/json; charset=utf-16" },
    });
    expect(utf16.status).toBe(415);
    const ok = await h.call("POST", "/v1/schedules/preview", {
      token,
      raw: body,
      headers: { "content-type": "application/json; charset=UTF-8" },
    });
    expect(ok.status).toBe(200);
    const bad = await new Promise<{ status: number; text: string }>((resolve, reject) => {
      const bytes = Buffer.concat([
        Buffer.from('{"schedule_expression":"rate(1 hour)","x'),
        Buffer.from([0xe9]),
        Buffer.from('":1}'),
      ]);
      const req = request(`${h.url}/v1/schedules/preview`, {
        method: "POST",
        headers: {
          authorization: `Bearer ${token}`,
          "content-type": "application/json",
          "content-length": bytes.length,
        },
      });
      req.on("response", (res) => {
        let text = "";
        res.on("data", (d) => {
          text += d;
        });
        res.on("end", () => resolve({ status: res.statusCode ?? 0, text }));
      });
      req.on("error", reject);
      req.end(bytes);
    });
    expect(bad.status).toBe(400);
    expect(bad.text).toMatch(/UTF-8/);
  });

  it("Node's own 431 for a long URL had no body: it answers in the API's error shape", async () => {
    const res = await fetch(`${h.url}/v1/runs?cursor=${"a".repeat(20_000)}`);
    expect(res.status).toBe(431);
    expect((await res.json()).error.code).toBe("headers_too_large");
  });

  it("a rejected token is told apart from a missing one (error=invalid_token), and auth comes before path checks", async () => {
    const bad = await h.call("GET", "/v1/jobs", { token: "expired.or.forged" });
    expect(bad.headers.get("www-authenticate")).toMatch(/error="invalid_token"/);
    const none = await h.call("GET", "/v1/jobs");
    expect(none.headers.get("www-authenticate")).not.toMatch(/error=/);
    expect((await h.call("GET", "/v1/runs/%ZZ")).status).toBe(401);
  });

  it("unknown query parameters were refused on some routes and silently ignored on others: refused everywhere", async () => {
    for (const path of [
      "/v1/jobs?x=1",
      "/v1/jobs/test.flaky?expand=all",
      "/v1/scheduler/status?verbose=1",
      "/v1/dashboard/job-progress?window=1h",
      "/v1/runs?x=1",
    ]) {
      const res = await h.admin("GET", path);
      expect(res.status, path).toBe(400);
      expect(res.body.error.details[0].message, path).toBe("unknown field");
    }
  });

  it("a UUID of another version was 400 'not a UUID v4': it is an unknown run (404)", async () => {
    const v7 = "01890a5d-ac96-774b-bcce-b302099a8057";
    expect((await h.admin("GET", `/v1/runs/${v7}`)).status).toBe(404);
    expect((await h.admin("GET", "/v1/runs/not-a-uuid")).status).toBe(400);
  });

  it("control and invisible characters were saved in tags and categories; a zone was saved as typed", async () => {
    for (const field of [{ tags: ["a\u0007b"] }, { tags: ["a\u200bb"] }, { category: "x\ny" }]) {
      const res = await h.admin("POST", "/v1/schedules", {
        job_name: "test.flaky",
        schedule_expression: "rate(1 hour)",
        ...field,
      });
      expect(res.status, JSON.stringify(field)).toBe(400);
    }
    const s = await h.admin("POST", "/v1/schedules", {
      job_name: "test.flaky",
      schedule_expression: "rate(2 hours)",
      timezone: "asia/tokyo",
      description: "two lines\nare fine",
    });
    expect(s.status).toBe(201);
    expect(s.body.timezone).toBe("Asia/Tokyo");
    await h.admin("DELETE", `/v1/schedules/${s.body.id}`);
  });

  it("a schedule that never fires previewed as valid with nothing said", async () => {
    const res = await h.admin("POST", "/v1/schedules/preview", { schedule_expression: "cron(0 0 31 2 ? *)" });
    expect(res.body.valid).toBe(true);
    expect(res.body.next_fire_times).toEqual([]);
    expect(res.body.message).toMatch(/never fire/);
  });

  it("validation messages said only 'Invalid input': they say what was expected", async () => {
    const res = await h.admin("PUT", "/v1/jobs/test.flaky/enabled", { enabled: "false" });
    expect(res.status).toBe(400);
    expect(res.body.error.details[0]).toEqual({
      field: "enabled",
      message: expect.stringMatching(/expected boolean/),
      // and a code with its values, for a page that says it in its own language (issue 14)
      code: "type",
      params: { expected: "boolean" },
    });
  });
});

// Property: whatever a client sends to any route — random bodies, query strings, headers and path
// values — the answer is never a 5xx, the process keeps serving, and every error has the spec's shape.
import fc from "fast-check";
import { afterAll, beforeAll, expect, it } from "vitest";
import { ROUTES } from "../../functions/api/routes.ts";
import { type Harness, startHarness } from "../helpers/harness.ts";

let h: Harness;
let admin: string;
beforeAll(async () => {
  h = await startHarness();
  admin = await h.token(["admin"], "fuzzer");
});
afterAll(async () => {
  await h?.stop();
});

const segment = fc.oneof(
  fc.string({ maxLength: 40 }),
  fc.constantFrom(
    "recap.pipeline",
    "7d4c2f0e-9a1b-4c3d-8e5f-0a1b2c3d4e5f",
    "..",
    "%00",
    "%E3%81%82",
    "a".repeat(300),
  ),
);
const queryValue = fc.oneof(
  fc.string({ maxLength: 30 }),
  fc.constantFrom("100", "0", "-1", "1e9", "SUCCESS,FAILURE", "2025-01-01T00:00:00Z", "true", "24h", "[]"),
);
const queryKey = fc.constantFrom(
  "limit",
  "cursor",
  "status",
  "job_name",
  "started_after",
  "started_before",
  "window",
  "enabled",
  "tag",
  "x",
);
const body = fc.oneof(
  fc.json({ maxDepth: 3 }),
  fc.string({ maxLength: 200 }),
  fc.constantFrom(
    "",
    "{",
    "null",
    "[]",
    '{"__proto__":{"a":1}}',
    '{"job_name":"recap.pipeline","options":{"constructor":{}}}',
  ),
  fc
    .record({
      job_name: fc.oneof(fc.string(), fc.constantFrom("recap.pipeline", "test.slow")),
      options: fc.dictionary(fc.string({ maxLength: 10 }), fc.jsonValue({ maxDepth: 2 })),
      schedule_expression: fc.oneof(
        fc.string(),
        fc.constantFrom("cron(0 0 31 2 ? *)", "rate(0 minutes)", "at(2025-02-30T00:00:00)"),
      ),
      timezone: fc.oneof(fc.string(), fc.constantFrom("Asia/Tokyo", "Mars/Base")),
      enabled: fc.oneof(fc.boolean(), fc.string()),
      paused: fc.oneof(fc.boolean(), fc.integer()),
      count: fc.integer(),
      from: fc.string(),
    })
    .map((o) => JSON.stringify(o)),
);
const contentType = fc.constantFrom(
  "application/json",
  "application/json; charset=utf-8",
  "text/plain",
  "application/x-www-form-urlencoded",
  "",
);

it("no route answers 5xx to random input, and every error has the spec's shape", async () => {
  const request = fc.record({
    route: fc.constantFrom(...ROUTES),
    params: fc.array(segment, { minLength: 3, maxLength: 3 }),
    query: fc.array(fc.tuple(queryKey, queryValue), { maxLength: 4 }),
    body,
    contentType,
    method: fc.option(fc.constantFrom("GET", "POST", "PUT", "PATCH", "DELETE"), { nil: undefined }),
  });
  await fc.assert(
    fc.asyncProperty(request, async (r) => {
      let i = 0;
      const path = r.route.path.replace(/\{\w+\}/g, () => encodeURIComponent(r.params[i++] ?? ""));
      const qs = new URLSearchParams(r.query).toString();
      const method = r.method ?? r.route.method;
      const hasBody = method !== "GET" && method !== "DELETE";
      const res = await fetch(`${h.url}${path}${qs ? `?${qs}` : ""}`, {
        method,
        headers: {
          authorization: `Bearer ${admin}`,
          ...(hasBody && r.contentType ? { "content-type": r.contentType } : {}),
        },
        body: hasBody ? r.body : undefined,
      });
      const text = await res.text();
      expect(
        res.status,
        `${method} ${path}?${qs} ${r.body.slice(0, 80)} → ${text.slice(0, 200)}`,
      ).toBeLessThan(500);
      if (res.status >= 400) {
        const parsed = JSON.parse(text);
        expect(typeof parsed.error.code).toBe("string");
        expect(typeof parsed.error.message).toBe("string");
        expect(text).not.toMatch(/\n\s+at /);
      }
    }),
    { numRuns: 400, seed: 20261123 },
  );
  // still serving
  expect((await fetch(`${h.url}/healthz`)).status).toBe(200);
});

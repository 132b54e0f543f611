// Every route × {no token, bad signature, expired, wrong issuer, wrong audience, viewer, admin}.
// The table below must list every route of functions/api/routes.ts: adding a route without
// deciding how it is protected fails this test.
import { SignJWT } from "jose";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ROUTES, routeKey } from "#api/routes.ts";
import { type Harness, startHarness } from "#test/helpers/harness.ts";

const ID = "7d4c2f0e-9a1b-4c3d-8e5f-0a1b2c3d4e5f";
/** A concrete request per route: path with parameters filled in, and a body where one is needed. */
const SAMPLES: Record<string, { path: string; body?: unknown }> = {
  "GET /healthz": { path: "/healthz" },
  "GET /v1/openapi.json": { path: "/v1/openapi.json" },
  "GET /v1/runs": { path: "/v1/runs" },
  "GET /v1/runs/{execution_uuid}": { path: `/v1/runs/${ID}` },
  "GET /v1/runs/{execution_uuid}/logs": { path: `/v1/runs/${ID}/logs` },
  "POST /v1/runs/{execution_uuid}/cancel": { path: `/v1/runs/${ID}/cancel` },
  "POST /v1/runs/{execution_uuid}/rerun": { path: `/v1/runs/${ID}/rerun` },
  "POST /v1/trigger": { path: "/v1/trigger", body: { job_name: "no.such_job" } },
  "GET /v1/jobs": { path: "/v1/jobs" },
  "GET /v1/jobs/{job_name}": { path: "/v1/jobs/recap.pipeline" },
  "PUT /v1/jobs/{job_name}/enabled": { path: "/v1/jobs/no.such_job/enabled", body: { enabled: true } },
  "GET /v1/schedules": { path: "/v1/schedules" },
  "POST /v1/schedules": {
    path: "/v1/schedules",
    body: { job_name: "no.such_job", schedule_expression: "rate(1 hour)" },
  },
  "POST /v1/schedules/preview": {
    path: "/v1/schedules/preview",
    body: { schedule_expression: "rate(1 hour)" },
  },
  "GET /v1/schedules/{id}": { path: "/v1/schedules/snothere" },
  "PUT /v1/schedules/{id}": {
    path: "/v1/schedules/snothere",
    body: { job_name: "recap.pipeline", schedule_expression: "rate(1 hour)" },
  },
  "PATCH /v1/schedules/{id}": { path: "/v1/schedules/snothere", body: { enabled: false } },
  "DELETE /v1/schedules/{id}": { path: "/v1/schedules/snothere" },
  "GET /v1/scheduler/status": { path: "/v1/scheduler/status" },
  "GET /v1/audit": { path: "/v1/audit" },
  "PUT /v1/scheduler/paused": { path: "/v1/scheduler/paused", body: { paused: false } },
  "GET /v1/dashboard/job-stats": { path: "/v1/dashboard/job-stats" },
  "GET /v1/dashboard/job-progress": { path: "/v1/dashboard/job-progress" },
  "POST /v1/schedules/pause": { path: "/v1/schedules/pause", body: { ids: ["snothere"], reason: "x" } },
  "POST /v1/schedules/resume": { path: "/v1/schedules/resume", body: { ids: ["snothere"] } },
  // Issue 16 part 2 (a dry run: nothing starts)
  "POST /v1/jobs/{job_name}/backfill": {
    path: "/v1/jobs/recap.pipeline/backfill",
    body: {
      schedule_expression: "cron(0 1 * * ? *)",
      timezone: "UTC",
      from: "2025-10-01T00:00:00Z",
      to: "2025-10-02T00:00:00Z",
      dry_run: true,
    },
  },
  "GET /v1/backfills": { path: "/v1/backfills" },
  "GET /v1/backfills/{id}": { path: `/v1/backfills/${"0".repeat(32)}` },
  "POST /v1/backfills/{id}/cancel": { path: `/v1/backfills/${"0".repeat(32)}/cancel`, body: {} },
  "GET /v1/calendar": { path: "/v1/calendar?from=2026-03-06T00:00:00Z&to=2026-03-07T00:00:00Z" },
};

let h: Harness;
const tokens: Record<string, string> = {};
beforeAll(async () => {
  h = await startHarness();
  tokens.admin = await h.token(["admin"], "ada");
  tokens.viewer = await h.token(["viewer"], "vic");
  const good = tokens.admin;
  const [head, payload, sig] = good.split(".");
  tokens.badSignature = `${head}.${payload}.${sig!.split("").reverse().join("")}`;
  const res = await fetch(`${h.url}/local/token`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ sub: "old", groups: ["admin"], expires_in_seconds: -10 }),
  });
  tokens.expired = ((await res.json()) as { token: string }).token;
  const key = new TextEncoder().encode("wrong-key-wrong-key-wrong-key-wrong-key");
  const forged = (iss: string, aud: string) =>
    new SignJWT({ "cognito:groups": ["admin"] })
      .setProtectedHeader({ alg: "HS256" })
      .setSubject("eve")
      .setIssuer(iss)
      .setAudience(aud)
      .setExpirationTime("1h")
      .sign(key);
  tokens.wrongIssuer = await forged("someone-else", "jobdeck");
  tokens.wrongAudience = await forged("jobdeck-local", "another-app");
});
afterAll(async () => {
  await h?.stop();
});

it("lists every route (a new route must be added here with its protection)", () => {
  expect(Object.keys(SAMPLES).sort()).toEqual(ROUTES.map(routeKey).sort());
});

describe.each(ROUTES.map((r) => [routeKey(r), r] as const))("%s", (key, route) => {
  const sample = SAMPLES[key]!;
  const call = (token: string | null) => h.call(route.method, sample.path, { token, body: sample.body });

  it("rejects missing, forged, expired and foreign tokens with 401 (healthz needs none)", async () => {
    for (const kind of [null, "badSignature", "expired", "wrongIssuer", "wrongAudience"] as const) {
      const r = await call(kind ? tokens[kind]! : null);
      if (route.role === null) expect(r.status, `${kind}`).toBe(200);
      else {
        expect(r.status, `${kind}`).toBe(401);
        expect(r.body.error.code).toBe("unauthorized");
      }
    }
  });

  it("viewer: viewer routes allowed, admin routes 403; admin: allowed", async () => {
    const viewer = await call(tokens.viewer!);
    if (route.role === "admin") {
      expect(viewer.status).toBe(403);
      expect(viewer.body.error.code).toBe("forbidden");
    } else expect([200, 400, 404]).toContain(viewer.status);
    const admin = await call(tokens.admin!);
    expect([200, 201, 202, 204, 400, 404, 409]).toContain(admin.status);
    expect(admin.status).toBeLessThan(500);
  });
});

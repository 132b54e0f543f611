// The conformance layer itself: it must catch an answer the document does not describe. Real
// answers of a real stack are checked against the published document and against copies of it
// with one thing removed; each removal must turn a conforming answer into a mismatch.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openApiDocument } from "#api/openapi.ts";
import type { ApiAnswer } from "#local/http-server.ts";
import { Conformance } from "#test/helpers/conformance.ts";
import { type Harness, startHarness } from "#test/helpers/harness.ts";

let h: Harness;
const answers: ApiAnswer[] = [];

beforeAll(async () => {
  h = await startHarness({ onAnswer: (a) => answers.push(a) });
});
afterAll(async () => {
  await h?.stop();
});

const docCopy = () => structuredClone(openApiDocument()) as Record<string, any>;
const last = (method: string, route: string, status: number) => {
  const a = answers.findLast((x) => x.method === method && x.route === route && x.status === status);
  if (!a) throw new Error(`no ${method} ${route} ${status} answer recorded`);
  return a;
};

describe("OpenAPI conformance layer", () => {
  it("passes real answers of every kind: 200 with ETag, 202, 201 with Location, 204, 304, 400, 401, 404, 409", async () => {
    const jobs = await h.admin("GET", "/v1/jobs");
    expect(jobs.status).toBe(200);
    const again = await h.admin("GET", "/v1/jobs", undefined, { "if-none-match": jobs.headers.get("etag")! });
    expect(again.status).toBe(304);
    const started = await h.admin("POST", "/v1/trigger", { job_name: "test.slow", options: { ms: 2000 } });
    expect(started.status).toBe(202);
    const busy = await h.admin("POST", "/v1/trigger", { job_name: "test.slow", options: { ms: 2000 } });
    expect(busy.status).toBe(409);
    const created = await h.admin("POST", "/v1/schedules", {
      job_name: "test.flaky",
      schedule_expression: "cron(0 5 * * ? *)",
    });
    expect(created.status).toBe(201);
    expect((await h.admin("DELETE", `/v1/schedules/${created.body.id}`)).status).toBe(204);
    expect((await h.call("GET", "/v1/runs")).status).toBe(401);
    expect((await h.admin("GET", "/v1/runs/00000000-0000-4000-8000-000000000000")).status).toBe(404);
    expect((await h.admin("GET", "/v1/runs?limit=0")).status).toBe(400);
    const fresh = new Conformance();
    const problems = answers.flatMap((a) => fresh.check(a));
    expect(problems).toEqual([]);
    expect(answers.length).toBeGreaterThanOrEqual(9);
  });

  it("removing a documented status from a route makes its answer a mismatch", () => {
    const busy = last("POST", "/v1/trigger", 409);
    expect(new Conformance().check(busy)).toEqual([]);
    const doc = docCopy();
    delete doc.paths["/v1/trigger"].post.responses["409"];
    expect(new Conformance(doc).check(busy).join()).toMatch(/status 409 is not documented/);
  });

  it("a body that stops matching its schema is a mismatch (a required field removed from Run)", () => {
    const page = last("GET", "/v1/runs/{execution_uuid}", 404);
    expect(new Conformance().check(page)).toEqual([]);
    const doc = docCopy();
    doc.components.schemas.Error.properties.error.required.push("hint");
    expect(new Conformance(doc).check(page).join()).toMatch(/does not match the schema/);
  });

  it("a time answered in UTC instead of the display offset is a mismatch", () => {
    const created = last("POST", "/v1/schedules", 201);
    const body = JSON.parse(created.body);
    body.created_at = new Date(body.created_at).toISOString();
    const problems = new Conformance().check({ ...created, body: JSON.stringify(body) });
    expect(problems.join()).toMatch(/created_at/);
  });

  it("a required header that goes missing is a mismatch (ETag on a 200 GET, Location on 201)", () => {
    const jobs = last("GET", "/v1/jobs", 200);
    const { etag: _e, ...noEtag } = jobs.headers;
    expect(new Conformance().check({ ...jobs, headers: noEtag }).join()).toMatch(/ETag is missing/);
    const created = last("POST", "/v1/schedules", 201);
    const { location: _l, ...noLocation } = created.headers;
    expect(new Conformance().check({ ...created, headers: noLocation }).join()).toMatch(
      /Location is missing/,
    );
  });

  it("a 5xx is a mismatch unless the test injects faults on purpose", () => {
    const fake: ApiAnswer = {
      method: "GET",
      route: "/v1/jobs",
      status: 500,
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ error: { code: "internal_error", message: "x" } }),
    };
    expect(new Conformance().check(fake).join()).toMatch(/server error/);
    expect(new Conformance().check(fake, { allowServerErrors: true })).toEqual([]);
  });
});

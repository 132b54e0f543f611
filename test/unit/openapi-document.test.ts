// The published OpenAPI document, read as a client generator reads it. Each test is named after a
// defect an independent check found in the first wave's document.
import { describe, expect, it } from "vitest";
import { CONTRACT } from "#api/contract.ts";
import { openApiDocument } from "#api/openapi.ts";
import { ROUTES } from "#api/routes.ts";

type Json = Record<string, any>;
const doc = openApiDocument() as Json;
const operations = () =>
  ROUTES.map((r) => ({ route: r, op: doc.paths[r.path]?.[r.method.toLowerCase()] as Json }));

/** Every schema node under `node`, with its JSON path, following $refs into components once. */
function walk(node: unknown, path: string, visit: (n: Json, path: string) => void, seen = new Set<string>()) {
  if (!node || typeof node !== "object") return;
  const n = node as Json;
  if (typeof n.$ref === "string") {
    if (seen.has(n.$ref)) return;
    seen.add(n.$ref);
    const name = n.$ref.replace("#/components/schemas/", "");
    return walk(doc.components.schemas[name], `${path}→${name}`, visit, seen);
  }
  visit(n, path);
  for (const [k, v] of Object.entries(n)) if (typeof v === "object") walk(v, `${path}/${k}`, visit, seen);
}

describe("the OpenAPI document", () => {
  it("describes every route of the route table, once, with an operationId and a tag", () => {
    for (const { route, op } of operations()) {
      expect(op, `${route.method} ${route.path}`).toBeDefined();
      expect(op.operationId).toMatch(/^[a-z][A-Za-z]+$/);
      expect(op.tags).toHaveLength(1);
    }
    const ids = operations().map((o) => o.op.operationId);
    expect(new Set(ids).size).toBe(ids.length);
    expect(Object.keys(CONTRACT).length).toBe(ROUTES.length);
  });

  it("16 of 22 operations documented success as 'OK' with no schema: every success now has its body schema", () => {
    for (const { route, op } of operations()) {
      const success = Object.entries(op.responses as Json).filter(([s]) => /^2/.test(s));
      expect(success.length, `${route.method} ${route.path}`).toBe(1);
      const [status, res] = success[0]!;
      if (status === "204") expect(res.content).toBeUndefined();
      else expect(res.content?.["application/json"]?.schema, `${route.method} ${route.path}`).toBeDefined();
      expect(res.description).not.toBe("OK");
    }
  });

  it("cancel/rerun were documented 200 but answer 202, DELETE schedule 200 but 204", () => {
    const status = (path: string, method: string) =>
      Object.keys(doc.paths[path][method].responses).filter((s) => /^2/.test(s));
    expect(status("/v1/runs/{execution_uuid}/cancel", "post")).toEqual(["202"]);
    expect(status("/v1/runs/{execution_uuid}/rerun", "post")).toEqual(["202"]);
    expect(status("/v1/schedules/{id}", "delete")).toEqual(["204"]);
    expect(status("/v1/trigger", "post")).toEqual(["202"]);
    expect(status("/v1/schedules", "post")).toEqual(["201"]);
  });

  it("304, 404, 409, 412, 413, 415, 429 were missing where they happen", () => {
    const has = (path: string, method: string, s: string) => s in doc.paths[path][method].responses;
    for (const { route } of operations())
      if (route.method === "GET") expect(has(route.path, "get", "304"), route.path).toBe(true);
    for (const { route } of operations())
      if (route.path.includes("{"))
        expect(has(route.path, route.method.toLowerCase(), "404"), route.path).toBe(true);
    for (const { route } of operations()) {
      if (route.method === "GET") continue;
      for (const s of ["400", "413", "415"])
        expect(has(route.path, route.method.toLowerCase(), s), `${s} ${route.path}`).toBe(true);
    }
    expect(has("/v1/trigger", "post", "409")).toBe(true);
    expect(has("/v1/trigger", "post", "429")).toBe(true);
    expect(has("/v1/runs/{execution_uuid}/rerun", "post", "429")).toBe(true);
    for (const m of ["put", "patch", "delete"]) expect(has("/v1/schedules/{id}", m, "412")).toBe(true);
    expect(has("/v1/jobs/{job_name}/enabled", "put", "412")).toBe(true);
  });

  it("401 on every route that needs a token, with WWW-Authenticate; /healthz needs none", () => {
    for (const { route, op } of operations()) {
      if (route.role === null) {
        expect(op.security).toEqual([]);
        expect(op.responses["401"]).toBeUndefined();
        continue;
      }
      expect(op.responses["401"].headers["WWW-Authenticate"].required).toBe(true);
      expect(op.responses["403"]).toBeDefined();
    }
  });

  it("GET /v1/schedules documented none of its filters; limit was typed string", () => {
    const params = (path: string) =>
      Object.fromEntries((doc.paths[path].get.parameters as Json[]).map((p) => [p.name, p.schema]));
    expect(Object.keys(params("/v1/schedules"))).toEqual(
      expect.arrayContaining(["job_name", "category", "tag", "enabled", "limit", "cursor"]),
    );
    for (const path of ["/v1/runs", "/v1/schedules", "/v1/audit"])
      expect(params(path).limit).toMatchObject({ type: "integer", minimum: 1, maximum: 100 });
  });

  it("response headers are documented: ETag on GET 200 and 304, Retry-After on 429, Location on 201, Idempotent-Replayed on trigger", () => {
    for (const { route, op } of operations()) {
      if (route.method !== "GET") continue;
      expect(op.responses["200"].headers.ETag.required, route.path).toBe(true);
      expect(op.responses["304"].headers.ETag.required, route.path).toBe(true);
    }
    expect(doc.paths["/v1/trigger"].post.responses["429"].headers["Retry-After"].required).toBe(true);
    expect(doc.paths["/v1/schedules"].post.responses["201"].headers.Location.required).toBe(true);
    expect(doc.paths["/v1/trigger"].post.responses["202"].headers["Idempotent-Replayed"]).toBeDefined();
    const names = (doc.paths["/v1/trigger"].post.parameters as Json[]).map((p) => p.name);
    expect(names).toContain("Idempotency-Key");
  });

  it("the Schedule schema forbade fields every answer carries: it now names them", () => {
    const schedule = doc.components.schemas.Schedule as Json;
    for (const f of [
      "normalized_expression",
      "expression_description",
      "next_fire_times",
      "expression_error",
    ])
      expect(schedule.properties[f], f).toBeDefined();
  });

  it("every time in every answer is typed as an instant with the display offset", () => {
    const loose: string[] = [];
    for (const { route, op } of operations()) {
      const ok = Object.entries(op.responses as Json).find(([s]) => /^2/.test(s))?.[1];
      walk(ok?.content?.["application/json"]?.schema, `${route.method} ${route.path}`, (n, path) => {
        for (const [key, prop] of Object.entries((n.properties ?? {}) as Record<string, Json>)) {
          if (!/(_at|_for|_date|_time)$|^(at|since|until)$/.test(key)) continue;
          const variants = (prop.anyOf ?? [prop]) as Json[];
          const str = variants.find((v) => v.type === "string");
          if (!str?.pattern?.includes("[+-]\\d{2}:\\d{2}$")) loose.push(`${path}.${key}`);
        }
      });
    }
    expect(loose).toEqual([]);
  });

  it("every request string is bounded (maxLength) and every request array too (maxItems)", () => {
    const unbounded: string[] = [];
    const check = (n: Json, path: string) => {
      if (n.type === "string" && n.maxLength === undefined && n.enum === undefined && n.const === undefined)
        unbounded.push(path);
      if (n.type === "array" && n.maxItems === undefined) unbounded.push(path);
    };
    for (const { route, op } of operations()) {
      const where = `${route.method} ${route.path}`;
      for (const p of (op.parameters ?? []) as Json[]) walk(p.schema, `${where} ${p.name}`, check);
      walk(op.requestBody?.content?.["application/json"]?.schema, `${where} body`, check);
    }
    expect(unbounded).toEqual([]);
  });
});

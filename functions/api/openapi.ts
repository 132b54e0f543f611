// The OpenAPI 3.1 document, generated from the same zod schemas that validate requests
// (zod's own JSON Schema output is draft 2020-12, which OpenAPI 3.1 uses as is).

import * as z from "zod/mini";
import { ListRunsQuerySchema, SetEnabledRequestSchema, TriggerRequestSchema } from "../schemas/api.ts";
import { AuditEntrySchema, ListAuditQuerySchema } from "../schemas/audit.ts";
import { ErrorBodySchema } from "../schemas/common.ts";
import { RunSchema } from "../schemas/run.ts";
import {
  CreateScheduleRequestSchema,
  PatchScheduleRequestSchema,
  PreviewRequestSchema,
  ScheduleSchema,
  SetPausedRequestSchema,
} from "../schemas/schedule.ts";
import { ROUTES } from "./routes.ts";

const schema = (s: z.ZodMiniType, io: "input" | "output" = "output") => {
  const { $schema: _drop, ...rest } = z.toJSONSchema(s, { io, unrepresentable: "any" }) as Record<
    string,
    unknown
  >;
  return rest;
};

const TriggerResponseSchema = z.object({
  execution_uuid: z.string(),
  status: z.literal("RUNNING"),
  next_scheduled_for: z.nullable(z.string()),
});

const RunsPageSchema = z.object({
  next_scheduled_for: z.nullable(z.string()),
  count: z.number(),
  results: z.array(RunSchema),
  next_cursor: z.nullable(z.string()),
});

const ref = (name: string) => ({ $ref: `#/components/schemas/${name}` });
const errorResponse = (description: string) => ({
  description,
  content: { "application/json": { schema: ref("Error") } },
});

let cached: unknown;

/** A list query's zod schema as OpenAPI query parameters (all optional). */
const queryParameters = (props: Record<string, unknown>) =>
  Object.entries(props).map(([name, s]) => ({ name, in: "query", required: false, schema: s }));

export function openApiDocument(): unknown {
  if (cached) return cached;
  const queryProps = (schema(ListRunsQuerySchema, "input").properties ?? {}) as Record<string, unknown>;
  const paths: Record<string, Record<string, unknown>> = {};
  for (const r of ROUTES) {
    const params = [...r.path.matchAll(/\{(\w+)\}/g)].map((m) => ({
      name: m[1],
      in: "path",
      required: true,
      schema: { type: "string" },
    }));
    const op: Record<string, unknown> = {
      summary: r.summary,
      operationId: `${r.method.toLowerCase()}${r.path.replace(/[^a-zA-Z0-9]+(\w)?/g, (_m, c: string | undefined) => (c ?? "").toUpperCase())}`,
      security: r.role ? [{ bearer: [] }] : [],
      "x-jobdeck-role": r.role,
      parameters: params,
      responses: {
        "200": { description: "OK" },
        ...(r.role
          ? { "401": errorResponse("no or bad token"), "403": errorResponse("group not allowed") }
          : {}),
        "400": errorResponse("invalid input; details name each field"),
      },
    };
    if (r.path === "/v1/runs" && r.method === "GET") {
      op.parameters = queryParameters(queryProps);
      op.responses = {
        ...(op.responses as object),
        "200": {
          description: "A page of runs",
          content: { "application/json": { schema: ref("RunsPage") } },
        },
      };
    }
    if (r.path === "/v1/runs/{execution_uuid}") {
      op.responses = {
        ...(op.responses as object),
        "200": { description: "The run", content: { "application/json": { schema: ref("Run") } } },
        "404": errorResponse("unknown run"),
      };
    }
    if (r.path === "/v1/trigger") {
      op.parameters = [
        {
          name: "Idempotency-Key",
          in: "header",
          required: false,
          schema: { type: "string", maxLength: 128 },
        },
      ];
      op.requestBody = { required: true, content: { "application/json": { schema: ref("TriggerRequest") } } };
      op.responses = {
        "202": {
          description: "Started",
          content: { "application/json": { schema: ref("TriggerResponse") } },
        },
        "400": errorResponse("options do not match the job's parameters"),
        "401": errorResponse("no or bad token"),
        "403": errorResponse("admin only"),
        "404": errorResponse("unknown job"),
        "409": errorResponse("already_running or job_disabled"),
        "413": errorResponse("body over 64 KiB"),
        "415": errorResponse("body is not JSON"),
      };
    }
    if (r.path === "/v1/schedules" && r.method === "POST") {
      op.requestBody = {
        required: true,
        content: { "application/json": { schema: ref("CreateScheduleRequest") } },
      };
      op.responses = {
        ...(op.responses as object),
        "201": { description: "Created", content: { "application/json": { schema: ref("Schedule") } } },
        "409": errorResponse("name taken"),
      };
    }
    if (r.path === "/v1/schedules/{id}" && r.method === "PUT") {
      op.requestBody = {
        required: true,
        content: { "application/json": { schema: ref("CreateScheduleRequest") } },
      };
    }
    if (r.path === "/v1/schedules/{id}" && r.method === "PATCH") {
      op.requestBody = {
        required: true,
        content: { "application/json": { schema: ref("PatchScheduleRequest") } },
      };
    }
    if (r.path === "/v1/schedules/{id}" && r.method === "GET") {
      op.responses = {
        ...(op.responses as object),
        "200": { description: "The schedule", content: { "application/json": { schema: ref("Schedule") } } },
        "404": errorResponse("unknown schedule"),
      };
    }
    if (r.path === "/v1/schedules/preview") {
      op.requestBody = { required: true, content: { "application/json": { schema: ref("PreviewRequest") } } };
    }
    if (r.path === "/v1/scheduler/paused") {
      op.requestBody = {
        required: true,
        content: { "application/json": { schema: ref("SetPausedRequest") } },
      };
    }
    if (r.path === "/v1/audit") {
      const auditProps = (schema(ListAuditQuerySchema, "input").properties ?? {}) as Record<string, unknown>;
      op.parameters = queryParameters(auditProps);
      op.responses = {
        ...(op.responses as object),
        "200": {
          description: "A page of audit entries, newest first",
          content: {
            "application/json": {
              schema: {
                type: "object",
                properties: {
                  count: { type: "integer" },
                  results: { type: "array", items: ref("AuditEntry") },
                  next_cursor: { type: ["string", "null"] },
                },
              },
            },
          },
        },
      };
    }
    if (r.path === "/v1/jobs/{job_name}/enabled") {
      op.requestBody = {
        required: true,
        content: { "application/json": { schema: ref("SetEnabledRequest") } },
      };
    }
    paths[r.path] = { ...(paths[r.path] ?? {}), [r.method.toLowerCase()]: op };
  }
  cached = {
    openapi: "3.1.0",
    info: {
      title: "jobdeck API",
      version: "1.0.0",
      description: "Control plane for recurring batch jobs (spec/api.md).",
    },
    servers: [{ url: "/" }],
    components: {
      securitySchemes: { bearer: { type: "http", scheme: "bearer", bearerFormat: "JWT" } },
      schemas: {
        Run: schema(RunSchema),
        RunsPage: schema(RunsPageSchema),
        Error: schema(ErrorBodySchema),
        TriggerRequest: schema(TriggerRequestSchema, "input"),
        TriggerResponse: schema(TriggerResponseSchema),
        SetEnabledRequest: schema(SetEnabledRequestSchema, "input"),
        Schedule: {
          ...schema(ScheduleSchema),
          description:
            "Answers add normalized_expression, expression_description {ja, en} and next_fire_times (5).",
        },
        CreateScheduleRequest: schema(CreateScheduleRequestSchema, "input"),
        PatchScheduleRequest: schema(PatchScheduleRequestSchema, "input"),
        PreviewRequest: schema(PreviewRequestSchema, "input"),
        SetPausedRequest: schema(SetPausedRequestSchema, "input"),
        AuditEntry: schema(AuditEntrySchema),
      },
    },
    paths,
  };
  return cached;
}

// The OpenAPI 3.1 document, generated from the contract (functions/api/contract.ts) and the same
// zod schemas that validate requests and type the answers. zod's JSON Schema output is draft
// 2020-12, which OpenAPI 3.1 uses as is.

import * as z from "zod/mini";
import {
  AuditPageSchema,
  HealthSchema,
  JobProgressAnswerSchema,
  JobStatsAnswerSchema,
  JobsListSchema,
  JobViewSchema,
  MissedFireSchema,
  PreviewResultSchema,
  RunListItemSchema,
  RunStatsSchema,
  RunSummarySchema,
  RunsPageSchema,
  SchedulerStatusSchema,
  ScheduleSummarySchema,
  SchedulesPageSchema,
  ScheduleViewSchema,
  TriggerResponseSchema,
} from "#schemas/answers.ts";
import { SetEnabledRequestSchema, TriggerRequestSchema } from "#schemas/api.ts";
import { AuditEntrySchema } from "#schemas/audit.ts";
import { ErrorBodySchema } from "#schemas/common.ts";
import { ProgressSchema, RunSchema } from "#schemas/run.ts";
import {
  CreateScheduleRequestSchema,
  PatchScheduleRequestSchema,
  PreviewRequestSchema,
  SetPausedRequestSchema,
} from "#schemas/schedule.ts";
import {
  OPERATIONS,
  type OperationContract,
  type RequestHeader,
  type ResponseHeader,
  type ResponseSpec,
  type Tag,
} from "./contract.ts";
import { responsesOf } from "./contract-responses.ts";

type Json = Record<string, unknown>;

/** Schemas given a name in the document (and so a type in generated clients). */
const OUTPUT_COMPONENTS: Record<string, z.ZodMiniType> = {
  Run: RunSchema,
  RunSummary: RunSummarySchema,
  RunListItem: RunListItemSchema,
  Progress: ProgressSchema,
  RunsPage: RunsPageSchema,
  TriggerResponse: TriggerResponseSchema,
  Job: JobViewSchema,
  JobsList: JobsListSchema,
  ScheduleSummary: ScheduleSummarySchema,
  Schedule: ScheduleViewSchema,
  SchedulesPage: SchedulesPageSchema,
  PreviewResult: PreviewResultSchema,
  MissedFire: MissedFireSchema,
  SchedulerStatus: SchedulerStatusSchema,
  RunStats: RunStatsSchema,
  JobStats: JobStatsAnswerSchema,
  JobProgress: JobProgressAnswerSchema,
  AuditEntry: AuditEntrySchema,
  AuditPage: AuditPageSchema,
  Error: ErrorBodySchema,
  Health: HealthSchema,
};
const INPUT_COMPONENTS: Record<string, z.ZodMiniType> = {
  TriggerRequest: TriggerRequestSchema,
  SetEnabledRequest: SetEnabledRequestSchema,
  CreateScheduleRequest: CreateScheduleRequestSchema,
  PatchScheduleRequest: PatchScheduleRequestSchema,
  PreviewRequest: PreviewRequestSchema,
  SetPausedRequest: SetPausedRequestSchema,
};

const REF = (name: string) => `#/components/schemas/${name}`;

/** Named schemas as JSON Schema, each reference to another named one as a $ref. */
function components(named: Record<string, z.ZodMiniType>, io: "input" | "output"): Record<string, Json> {
  const registry = z.registry<{ id: string }>();
  for (const [id, s] of Object.entries(named)) registry.add(s, { id });
  const { schemas } = z.toJSONSchema(registry, { io, unrepresentable: "any", uri: REF }) as {
    schemas: Record<string, Json>;
  };
  const out: Record<string, Json> = {};
  for (const [id, s] of Object.entries(schemas)) {
    const { $schema: _s, $id: _i, ...rest } = s;
    out[id] = rest;
  }
  return out;
}

/** A schema used in an operation: a $ref when it is a named component, else inline JSON Schema. */
function schemaRef(s: z.ZodMiniType, io: "input" | "output"): Json {
  const named = io === "output" ? OUTPUT_COMPONENTS : INPUT_COMPONENTS;
  const name = Object.entries(named).find(([, v]) => v === s)?.[0];
  if (name) return { $ref: REF(name) };
  const { $schema: _s, ...rest } = z.toJSONSchema(s, { io, unrepresentable: "any" }) as Json;
  return rest;
}

const TAGS: Record<Tag, string> = {
  Runs: "Run history, one run, cancel and rerun",
  Trigger: "Run a job now",
  Jobs: "Registered jobs, their schedules, last and active runs; enable or disable",
  Schedules: "When jobs run: EventBridge Scheduler expressions, policies, parameters",
  Scheduler: "Scheduler-wide state: pause all, next fire, stale runs, missed fires",
  Audit: "Who did what, and what changed",
  Dashboard: "Statistics over a window and live progress",
  Meta: "Health and this document",
  Backfills: "Run a job for the fire times of a past window, a few at a time",
};

const RESPONSE_HEADER_DOCS: Record<ResponseHeader, Json> = {
  ETag: {
    description: "Validator of this answer; send it back as If-None-Match (GET) or If-Match (writes)",
    schema: { type: "string" },
  },
  "Retry-After": {
    description: "Seconds to wait before trying again",
    schema: { type: "integer", format: "int32", minimum: 1, maximum: 86400 },
  },
  Location: { description: "Path of the created resource", schema: { type: "string" } },
  "Idempotent-Replayed": {
    description: "Present when the answer is the stored first answer to this Idempotency-Key",
    schema: { type: "string", enum: ["true"] },
  },
  "WWW-Authenticate": { description: "The authentication scheme: Bearer", schema: { type: "string" } },
};

const REQUEST_HEADER_DOCS: Record<RequestHeader, Json> = {
  "Idempotency-Key": {
    description: "The same key within 24 h returns the first answer and starts nothing new",
    schema: { type: "string", minLength: 1, maxLength: 128, pattern: "^[\\x21-\\x7e]+$" },
  },
  "If-Match": {
    description:
      "Write only if the resource still has this ETag (else 412); without it the write is unconditional",
    schema: { type: "string", maxLength: 256 },
  },
  "If-None-Match": {
    description: "Answer 304 without a body when the current ETag is one of these",
    schema: { type: "string", maxLength: 1024 },
  },
};

function response(spec: ResponseSpec): Json {
  const headers: Json = {};
  for (const h of spec.headers ?? []) headers[h] = { ...RESPONSE_HEADER_DOCS[h], required: true };
  for (const h of spec.optionalHeaders ?? []) headers[h] = { ...RESPONSE_HEADER_DOCS[h], required: false };
  return {
    description: spec.description,
    ...(Object.keys(headers).length ? { headers } : {}),
    ...(spec.schema ? { content: { "application/json": { schema: schemaRef(spec.schema, "output") } } } : {}),
  };
}

function parameters(op: OperationContract, method: string): Json[] {
  const out: Json[] = [];
  for (const [name, s] of Object.entries(op.path ?? {}))
    out.push({ name, in: "path", required: true, schema: schemaRef(s, "input") });
  if (op.query) {
    const q = z.toJSONSchema(op.query, { io: "input", unrepresentable: "any" }) as {
      properties?: Record<string, Json>;
      required?: string[];
    };
    for (const [name, s] of Object.entries(q.properties ?? {})) {
      const { description, ...schema } = s;
      out.push({
        name,
        in: "query",
        required: q.required?.includes(name) ?? false,
        ...(description ? { description } : {}),
        schema,
      });
    }
  }
  const headers = [...(op.headers ?? []), ...(method === "GET" ? (["If-None-Match"] as const) : [])];
  for (const h of headers) {
    const { description, schema } = REQUEST_HEADER_DOCS[h];
    out.push({ name: h, in: "header", required: false, description, schema });
  }
  return out;
}

/** zod marks integers by their range only; OpenAPI tools (and clients) want the format too. */
function withIntegerFormats(node: unknown): unknown {
  if (Array.isArray(node)) return node.map(withIntegerFormats);
  if (!node || typeof node !== "object") return node;
  const out: Json = {};
  for (const [k, v] of Object.entries(node)) out[k] = withIntegerFormats(v);
  if (out.type === "integer" && out.format === undefined) out.format = "int64";
  return out;
}

let cached: Json | undefined;

export function openApiDocument(): Json {
  if (cached) return cached;
  const paths: Record<string, Json> = {};
  for (const { route, op } of OPERATIONS) {
    const responses: Json = {};
    const all = responsesOf(route, op);
    for (const status of Object.keys(all).sort()) responses[status] = response(all[Number(status)]!);
    const operation: Json = {
      operationId: op.operationId,
      summary: route.summary,
      description: op.description ?? route.summary,
      tags: [op.tag],
      security: route.role ? [{ bearer: [] }] : [],
      "x-jobdeck-role": route.role,
      parameters: parameters(op, route.method),
      ...(op.body
        ? {
            requestBody: {
              required: true,
              content: { "application/json": { schema: schemaRef(op.body, "input") } },
            },
          }
        : {}),
      responses,
    };
    paths[route.path] = { ...(paths[route.path] ?? {}), [route.method.toLowerCase()]: operation };
  }
  cached = withIntegerFormats({
    openapi: "3.1.0",
    info: {
      title: "jobdeck API",
      version: "1.1.0",
      description:
        "Control plane for recurring batch jobs. Times are answered with the display time zone's offset and accepted with any offset. Errors are {error: {code, message, details}}. Answers may gain fields in a minor version: ignore the ones you do not know.",
      contact: { name: "jobdeck maintainers", url: "https://github.com/jobdeck/jobdeck" },
      license: { name: "MIT", identifier: "MIT" },
    },
    servers: [
      { url: "http://127.0.0.1:3000", description: "the local stack (npm start)", "x-internal": true },
    ],
    tags: Object.entries(TAGS).map(([name, description]) => ({ name, description })),
    components: {
      securitySchemes: {
        bearer: {
          type: "http",
          scheme: "bearer",
          bearerFormat: "JWT",
          description:
            "A JWT (Cognito ID token in AWS, POST /local/token on the local stack), checked as RFC8725 advises: signature with the issuer's key, issuer, audience, expiry",
        },
      },
      schemas: { ...components(OUTPUT_COMPONENTS, "output"), ...components(INPUT_COMPONENTS, "input") },
    },
    paths,
  }) as Json;
  return cached;
}

import * as z from "zod/mini";
import { canonicalJson } from "../domain/concurrency.ts";
import { ScheduleService } from "../domain/schedule-service.ts";
import {
  CreateScheduleRequestSchema,
  ListSchedulesQuerySchema,
  PatchScheduleRequestSchema,
  PreviewRequestSchema,
} from "../schemas/schedule.ts";
import type { ApiApp } from "./app.ts";
import { actorOf, apiHandler, json, parseWith, presentTimes } from "./http.ts";

const IdSchema = z
  .string()
  .check(z.minLength(1), z.maxLength(64), z.regex(/^[A-Za-z0-9_-]+$/, "is not a schedule id"));

export function createSchedulesApi(app: ApiApp) {
  const tz = app.deps.settings.displayTimeZone;
  const schedules = new ScheduleService(app.deps);
  const id = (raw: string | undefined) => parseWith(IdSchema, raw, "schedule id", "id");
  return apiHandler(
    {
      "GET /v1/schedules": async (req) => {
        const q = parseWith(ListSchedulesQuerySchema, req.query, "query");
        const filter = {
          job_name: q.job_name,
          category: q.category,
          tag: q.tag,
          enabled: q.enabled === undefined ? undefined : q.enabled === "true",
        };
        const scope = canonicalJson(filter);
        const all = await schedules.list(filter);
        // Names are unique and the list is sorted by name: the cursor is the last name shown.
        const after = q.cursor ? String(app.cursors.decodeValue(q.cursor, scope)) : null;
        const limit = q.limit ? Number(q.limit) : 100;
        const rest = after === null ? all : all.filter((s) => s.name.localeCompare(after) > 0);
        const page = rest.slice(0, limit);
        const last = page[page.length - 1];
        return json(
          200,
          presentTimes(
            {
              count: page.length,
              results: page,
              next_cursor: rest.length > limit && last ? app.cursors.encodeValue(last.name, scope) : null,
            },
            tz,
          ),
        );
      },
      "POST /v1/schedules": async (req) => {
        const body = parseWith(CreateScheduleRequestSchema, req.body ?? {}, "body");
        return json(201, presentTimes(await schedules.create(body, actorOf(req.identity)), tz));
      },
      "POST /v1/schedules/preview": async (req) => {
        const body = parseWith(PreviewRequestSchema, req.body ?? {}, "body");
        return json(200, presentTimes(await schedules.preview(body), tz));
      },
      "GET /v1/schedules/{id}": async (req) =>
        json(200, presentTimes(await schedules.get(id(req.params.id)), tz)),
      "PUT /v1/schedules/{id}": async (req) => {
        const body = parseWith(CreateScheduleRequestSchema, req.body ?? {}, "body");
        return json(
          200,
          presentTimes(await schedules.replace(id(req.params.id), body, actorOf(req.identity)), tz),
        );
      },
      "PATCH /v1/schedules/{id}": async (req) => {
        const body = parseWith(PatchScheduleRequestSchema, req.body ?? {}, "body");
        return json(
          200,
          presentTimes(await schedules.patch(id(req.params.id), body, actorOf(req.identity)), tz),
        );
      },
      "DELETE /v1/schedules/{id}": async (req) => {
        await schedules.delete(id(req.params.id), actorOf(req.identity));
        return { statusCode: 204, headers: { "cache-control": "no-cache" }, body: "" };
      },
    },
    { logger: app.deps.logger },
  );
}

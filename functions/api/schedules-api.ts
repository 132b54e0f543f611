import { createHash } from "node:crypto";
import { PauseService } from "#domain/pauses/pause-service.ts";
import { canonicalJson } from "#domain/runs/concurrency-key.ts";
import { ScheduleService } from "#domain/schedules/schedule-service.ts";
import { PauseSchedulesRequestSchema, ResumeSchedulesRequestSchema } from "#schemas/pause.ts";
import {
  CreateScheduleRequestSchema,
  ListSchedulesQuerySchema,
  PatchScheduleRequestSchema,
  PreviewRequestSchema,
  ScheduleIdSchema,
} from "#schemas/schedule.ts";
import type { ApiApp } from "./app.ts";
import { requireMatch } from "./etags.ts";
import { contractHandler, noQuery, parseWith } from "./http.ts";
import { actorOf } from "./identity.ts";

/** A schedule's stored version: every write sets updated_at. */
export const scheduleVersion = (s: { id: string; updated_at: string }) =>
  createHash("sha1").update(`${s.id}\n${s.updated_at}`).digest("base64url").slice(0, 16);

export function createSchedulesApi(app: ApiApp) {
  const schedules = new ScheduleService(app.deps);
  const pauses = new PauseService(app.deps);
  const id = (raw: string | undefined) => parseWith(ScheduleIdSchema, raw, "schedule id", "id");
  /** If-Match, when sent, must name the version stored now. */
  const precondition = async (scheduleId: string, ifMatch: string | undefined) => {
    if (ifMatch === undefined) return;
    // The stored item is all the version needs (no fire times or descriptions); an unknown id is
    // left to the write itself, which answers 404.
    const stored = await app.deps.schedules.get(scheduleId);
    if (stored) requireMatch(ifMatch, scheduleVersion(stored));
  };
  return contractHandler(
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
        const limit = q.limit ?? 100;
        const rest = after === null ? all : all.filter((s) => s.name.localeCompare(after) > 0);
        const page = rest.slice(0, limit);
        const last = page[page.length - 1];
        return {
          status: 200,
          body: {
            count: page.length,
            results: page,
            next_cursor: rest.length > limit && last ? app.cursors.encodeValue(last.name, scope) : null,
          },
        };
      },
      "POST /v1/schedules": async (req) => {
        const body = parseWith(CreateScheduleRequestSchema, req.body ?? {}, "body");
        const created = await schedules.create(body, actorOf(req.identity));
        return {
          status: 201,
          body: created,
          headers: { location: `/v1/schedules/${created.id}` },
          version: scheduleVersion(created),
        };
      },
      // Issue 16 part 5: a selection of schedules paused (reason, until) or resumed at once.
      "POST /v1/schedules/pause": async (req) => {
        noQuery(req);
        const { ids, ...ask } = parseWith(PauseSchedulesRequestSchema, req.body ?? {}, "body");
        const results = await pauses.pauseSchedules(ids, ask, actorOf(req.identity));
        return { status: 200, body: { count: results.length, results } };
      },
      "POST /v1/schedules/resume": async (req) => {
        noQuery(req);
        const { ids } = parseWith(ResumeSchedulesRequestSchema, req.body ?? {}, "body");
        const results = await pauses.resumeSchedules(ids, actorOf(req.identity));
        return { status: 200, body: { count: results.length, results } };
      },
      "POST /v1/schedules/preview": async (req) => {
        const body = parseWith(PreviewRequestSchema, req.body ?? {}, "body");
        return { status: 200, body: await schedules.preview(body) };
      },
      "GET /v1/schedules/{id}": async (req) => {
        noQuery(req);
        const s = await schedules.get(id(req.params.id));
        return { status: 200, body: s, version: scheduleVersion(s) };
      },
      "PUT /v1/schedules/{id}": async (req) => {
        const sid = id(req.params.id);
        const body = parseWith(CreateScheduleRequestSchema, req.body ?? {}, "body");
        await precondition(sid, req.header("if-match"));
        const s = await schedules.replace(sid, body, actorOf(req.identity));
        return { status: 200, body: s, version: scheduleVersion(s) };
      },
      "PATCH /v1/schedules/{id}": async (req) => {
        const sid = id(req.params.id);
        const body = parseWith(PatchScheduleRequestSchema, req.body ?? {}, "body");
        await precondition(sid, req.header("if-match"));
        const s = await schedules.patch(sid, body, actorOf(req.identity));
        return { status: 200, body: s, version: scheduleVersion(s) };
      },
      "DELETE /v1/schedules/{id}": async (req) => {
        const sid = id(req.params.id);
        await precondition(sid, req.header("if-match"));
        await schedules.delete(sid, actorOf(req.identity));
        return { status: 204 };
      },
    },
    { logger: app.deps.logger, timeZone: app.deps.settings.displayTimeZone },
  );
}

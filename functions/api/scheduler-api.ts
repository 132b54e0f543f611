import { AuditTrail } from "#domain/audit.ts";
import { PauseService } from "#domain/pauses/pause-service.ts";
import { canonicalJson } from "#domain/runs/concurrency-key.ts";
import { badCursor } from "#domain/runs/run-queries.ts";
import { SchedulerControl } from "#domain/schedules/scheduler-control.ts";
import type { AuditPosition } from "#ports/audit-log.ts";
import { ListAuditQuerySchema } from "#schemas/audit.ts";
import { SetPausedRequestSchema } from "#schemas/schedule.ts";
import type { ApiApp } from "./app.ts";
import { contractHandler, noQuery, parseWith } from "./http.ts";
import { actorOf } from "./identity.ts";

export function createSchedulerApi(app: ApiApp) {
  const scheduler = new SchedulerControl(app.deps);
  const audit = new AuditTrail(app.deps);
  const pauses = new PauseService(app.deps);
  return contractHandler(
    {
      "GET /v1/scheduler/status": async (req) => {
        noQuery(req);
        return { status: 200, body: await scheduler.status() };
      },
      "GET /v1/audit": async (req) => {
        const q = parseWith(ListAuditQuerySchema, req.query, "query");
        const filter = audit.filterOf(q);
        // The cursor is signed and bound to this filter: it cannot be edited or reused elsewhere.
        // The default window moves with the clock: the scope is the query as asked, not its bounds.
        const scope = canonicalJson({
          action: q.action ?? null,
          actor: q.actor ?? null,
          target: q.target ?? null,
          since: q.since ?? null,
          until: q.until ?? null,
        });
        let after: AuditPosition | null = null;
        if (q.cursor) {
          const v = app.cursors.decodeValue(q.cursor, scope) as Partial<AuditPosition> | null;
          if (typeof v?.at !== "string" || typeof v.id !== "string") throw badCursor();
          after = { at: v.at, id: v.id };
        }
        const page = await audit.list(filter, q.limit ?? 100, after);
        const last = page.entries[page.entries.length - 1];
        return {
          status: 200,
          body: {
            count: page.entries.length,
            results: page.entries,
            next_cursor:
              page.more && last ? app.cursors.encodeValue({ at: last.at, id: last.id }, scope) : null,
          },
        };
      },
      "PUT /v1/scheduler/paused": async (req) => {
        const body = parseWith(SetPausedRequestSchema, req.body ?? {}, "body");
        const { paused, ...ask } = body;
        return {
          status: 200,
          body: await pauses.setSchedulerPaused(paused, ask, actorOf(req.identity), (p, a, n) =>
            scheduler.setPaused(p, a, n),
          ),
        };
      },
    },
    { logger: app.deps.logger, timeZone: app.deps.settings.displayTimeZone },
  );
}

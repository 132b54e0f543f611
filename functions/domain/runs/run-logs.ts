// A run's own log lines, paged: the reader (functions/ports/run-log-reader.ts) finds them, this
// bounds the page and seals its position in the API's signed cursor (bound to the run).
import type { CoreDeps } from "#domain/core-deps.ts";
import { NotFoundError } from "#domain/errors.ts";
import type { RunLogPosition } from "#ports/run-log-reader.ts";
import type { RunLogLine, RunLogsQuery } from "#schemas/run-logs.ts";
import { badCursor, type CursorCodec } from "./run-queries.ts";

export type RunLogsPage = {
  count: number;
  results: RunLogLine[];
  next_cursor: string | null;
  /** The console's view of the same lines (CloudWatch Logs Insights in AWS; null locally). */
  logs_url: string | null;
};

const isPosition = (v: unknown): v is RunLogPosition =>
  !!v &&
  typeof v === "object" &&
  typeof (v as RunLogPosition).ts === "number" &&
  Array.isArray((v as RunLogPosition).ids) &&
  (v as RunLogPosition).ids.every((id) => typeof id === "string");

export class RunLogs {
  constructor(
    private readonly deps: CoreDeps,
    private readonly cursors: CursorCodec,
  ) {}

  async page(executionUuid: string, q: RunLogsQuery): Promise<RunLogsPage> {
    const uuid = executionUuid.toLowerCase();
    const run = await this.deps.runs.get(uuid);
    if (!run) throw new NotFoundError("run", executionUuid);
    const scope = `run-logs:${uuid}`;
    let after: RunLogPosition | null = null;
    if (q.cursor) {
      const v = this.cursors.decodeValue(q.cursor, scope);
      if (!isPosition(v)) throw badCursor();
      after = v;
    }
    const page = await this.deps.runLogs.read({
      execution_uuid: uuid,
      job_name: run.job_name,
      started_at: run.started_at,
      finished_at: run.finished_at,
      limit: q.limit ?? 100,
      after,
    });
    return {
      count: page.lines.length,
      results: page.lines,
      next_cursor: page.next ? this.cursors.encodeValue(page.next, scope) : null,
      logs_url: run.logs_url,
    };
  }
}

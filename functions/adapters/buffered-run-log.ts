// The local stack's run log (RunLogReader): every structured line that carries an execution_uuid,
// kept in a bounded in-memory buffer as the logger writes it (whatever the stderr level), so
// GET /v1/runs/{id}/logs answers with the run's own lines. Bounded: the oldest lines go first.
// The local stack also keeps them in a file of its data folder (bin/local/run-log-file.ts).
import type { JobLogger } from "#domain/jobs/job-definition.ts";
import { byTime, type IdentifiedLine, pageAfter, toRunLogLine } from "#domain/runs/run-log-lines.ts";
import type { RunLogPage, RunLogReader, RunLogRequest } from "#ports/run-log-reader.ts";

export const RUN_LOG_BUFFER_LINES = 20_000;

/** One kept line: the run it belongs to, its time and id (paging), and the line as answered. */
export type KeptRunLogLine = IdentifiedLine & { uuid: string };
type Kept = KeptRunLogLine;

export class BufferedRunLog implements RunLogReader {
  private readonly lines: Kept[] = [];
  private seq = 0;
  // Ids stay unique across restarts of the stack (lines kept on disk come back with theirs).
  private readonly boot = `${Date.now().toString(36)}${Math.random().toString(36).slice(2, 6)}`;
  /** Called with each line kept (the local stack appends it to a file under its data folder). */
  onKept: ((line: KeptRunLogLine) => void) | null = null;

  constructor(
    private readonly max = RUN_LOG_BUFFER_LINES,
    private readonly now: () => Date = () => new Date(),
  ) {}

  /** Lines kept by an earlier process (oldest first), before any new one. */
  restore(lines: readonly KeptRunLogLine[]): void {
    this.lines.unshift(...lines.slice(-this.max));
    if (this.lines.length > this.max) this.lines.splice(0, this.lines.length - this.max);
  }

  /** The lines kept now, oldest first (what a rewrite of the file keeps). */
  kept(): readonly KeptRunLogLine[] {
    return this.lines;
  }

  /** A logger that writes to `base` and keeps the lines of runs (info and above) here. */
  tee(base: JobLogger): JobLogger {
    const keep = (level: "info" | "warn" | "error") => (message: string, extra?: Record<string, unknown>) => {
      this.record(level, message, extra);
      base[level](message, extra);
    };
    return { debug: base.debug.bind(base), info: keep("info"), warn: keep("warn"), error: keep("error") };
  }

  record(level: string, message: string, extra?: Record<string, unknown>): void {
    const uuid = extra?.execution_uuid;
    if (typeof uuid !== "string") return;
    const at = this.now();
    const line = toRunLogLine({
      ...extra,
      level: level.toUpperCase(),
      message,
      timestamp: at.toISOString(),
    });
    if (!line) return;
    this.seq++;
    const kept: Kept = {
      id: `${this.boot}-${String(this.seq).padStart(9, "0")}`,
      ts: at.getTime(),
      line,
      uuid: uuid.toLowerCase(),
    };
    this.lines.push(kept);
    if (this.lines.length > this.max) this.lines.splice(0, this.lines.length - this.max);
    this.onKept?.(kept);
  }

  async read(req: RunLogRequest): Promise<RunLogPage> {
    const mine = this.lines.filter((l) => l.uuid === req.execution_uuid).sort(byTime);
    return pageAfter(mine, req.after, req.limit);
  }
}

// A run's own log lines in AWS (RunLogReader): CloudWatch Logs FilterLogEvents over the log groups
// of the workflow-steps function and the job's worker, filtered by the run's execution_uuid (every
// line of a run carries it), merged oldest first. Each page reads at most a few pages per group;
// a group with more left bounds the page so lines never come out of order across pages.
import { type CloudWatchLogsClient, FilterLogEventsCommand } from "@aws-sdk/client-cloudwatch-logs";
import { byTime, type IdentifiedLine, pageAfter, toRunLogLine } from "#domain/runs/run-log-lines.ts";
import type { RunLogPage, RunLogReader, RunLogRequest } from "#ports/run-log-reader.ts";

/** Calls per log group per page: a page answers within the API's timeout even on a sparse group. */
const MAX_CALLS_PER_GROUP = 4;
/** Lines are searched from a minute before the run's start to 5 minutes after its end. */
const BEFORE_MS = 60_000;
const AFTER_MS = 5 * 60_000;

export type CloudWatchRunLogConfig = {
  /** job_name → the log groups its run's lines are in (the steps function's and the job's worker's). */
  groups: Record<string, string[]>;
  now?: () => Date;
};

/** A Lambda line: Powertools' JSON, or the runtime's "time\trequest\tLEVEL\tmessage" text. */
function parseMessage(text: string, ts: number): Record<string, unknown> {
  const trimmed = text.trim();
  if (trimmed.startsWith("{")) {
    try {
      const parsed: unknown = JSON.parse(trimmed);
      if (parsed && typeof parsed === "object") return parsed as Record<string, unknown>;
    } catch {
      // not JSON after all
    }
  }
  const parts = trimmed.split("\t");
  if (parts.length >= 4 && /^[A-Z]+$/.test(parts[2] ?? ""))
    return { timestamp: new Date(ts).toISOString(), level: parts[2], message: parts.slice(3).join("\t") };
  return { timestamp: new Date(ts).toISOString(), level: "INFO", message: trimmed };
}

export class CloudWatchRunLog implements RunLogReader {
  constructor(
    private readonly client: Pick<CloudWatchLogsClient, "send">,
    private readonly config: CloudWatchRunLogConfig,
  ) {}

  async read(req: RunLogRequest): Promise<RunLogPage> {
    const groups = this.config.groups[req.job_name] ?? [];
    const now = (this.config.now ?? (() => new Date()))().getTime();
    const start = req.after?.ts ?? Date.parse(req.started_at) - BEFORE_MS;
    const end = (req.finished_at ? Date.parse(req.finished_at) : now) + AFTER_MS;
    // Enough lines per group to fill the page after skipping the ones already given.
    const want = req.limit + (req.after?.ids.length ?? 0);
    const results = await Promise.all(
      groups.map((g) => this.readGroup(g, req.execution_uuid, start, end, want)),
    );
    // A group with lines left: nothing later than its last line read may be answered yet.
    const cutoff = Math.min(...results.filter((r) => r.truncated).map((r) => r.lastTs));
    const merged = results
      .flatMap((r) => r.lines)
      .filter((l) => l.ts <= cutoff)
      .sort(byTime);
    const page = pageAfter(merged, req.after, req.limit);
    if (page.next || !Number.isFinite(cutoff)) return page;
    // More lines wait in a truncated group: continue after the last line given (or the cutoff).
    const last = page.lines.length ? merged.filter((l) => page.lines.includes(l.line)) : [];
    const lastTs = last.at(-1)?.ts ?? cutoff;
    const givenAtLast = [
      ...(req.after && req.after.ts === lastTs ? req.after.ids : []),
      ...last.filter((l) => l.ts === lastTs).map((l) => l.id),
    ];
    return { lines: page.lines, next: { ts: lastTs, ids: givenAtLast } };
  }

  private async readGroup(
    logGroupName: string,
    uuid: string,
    startTime: number,
    endTime: number,
    want: number,
  ): Promise<{ lines: IdentifiedLine[]; truncated: boolean; lastTs: number }> {
    const lines: IdentifiedLine[] = [];
    let nextToken: string | undefined;
    let calls = 0;
    do {
      const out = await this.client.send(
        new FilterLogEventsCommand({
          logGroupName,
          // The quoted term matches the id anywhere in the line (JSON or text).
          filterPattern: `"${uuid}"`,
          startTime,
          endTime,
          limit: Math.min(10_000, want),
          nextToken,
        }),
      );
      calls++;
      for (const e of out.events ?? []) {
        if (e.timestamp === undefined || !e.message) continue;
        const line = toRunLogLine(parseMessage(e.message, e.timestamp), e.timestamp);
        if (line)
          lines.push({
            id: e.eventId ?? `${logGroupName}:${e.timestamp}:${lines.length}`,
            ts: e.timestamp,
            line,
          });
      }
      nextToken = out.nextToken;
    } while (nextToken && lines.length < want && calls < MAX_CALLS_PER_GROUP);
    lines.sort(byTime);
    // A group that found nothing in its calls has nothing to bound the page with: it is read as done
    // (rare: the run's window is minutes, the filter narrow).
    return { lines, truncated: !!nextToken && lines.length > 0, lastTs: lines.at(-1)?.ts ?? startTime };
  }
}

// Structured JSON lines on stderr for the local stack (Powertools' format in spirit: level,
// message, timestamp, plus fields such as execution_uuid). Level from JOBDECK_LOG_LEVEL.
import type { JobLogger } from "#domain/jobs/job-definition.ts";

const LEVELS = { debug: 10, info: 20, warn: 30, error: 40, silent: 100 } as const;
type Level = keyof typeof LEVELS;

export function createLocalLogger(level: string = process.env.JOBDECK_LOG_LEVEL ?? "warn"): JobLogger {
  const min = LEVELS[(level as Level) in LEVELS ? (level as Level) : "warn"];
  const write = (lvl: Exclude<Level, "silent">) => (message: string, extra?: Record<string, unknown>) => {
    if (LEVELS[lvl] < min) return;
    process.stderr.write(
      `${JSON.stringify({ level: lvl.toUpperCase(), message, timestamp: new Date().toISOString(), service: "jobdeck-local", ...extra })}\n`,
    );
  };
  return { debug: write("debug"), info: write("info"), warn: write("warn"), error: write("error") };
}

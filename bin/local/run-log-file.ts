// The local stack's run log on disk: every kept line appended as one JSON line to
// <data folder>/run-log.jsonl, read back at the next start, so a run's log lines outlive a restart
// as the run itself does (DynamoDB Local keeps its data in the same folder). Bounded: at start a
// file grown past MAX_BYTES is rewritten with the lines the buffer keeps.
import { appendFileSync, existsSync, readFileSync, statSync, writeFileSync } from "node:fs";
import type { BufferedRunLog, KeptRunLogLine } from "#adapters/buffered-run-log.ts";

const MAX_BYTES = 16 * 1024 * 1024;

const isKept = (v: unknown): v is KeptRunLogLine => {
  const k = v as KeptRunLogLine;
  return (
    !!k &&
    typeof k.id === "string" &&
    typeof k.ts === "number" &&
    typeof k.uuid === "string" &&
    typeof k.line?.message === "string"
  );
};

/** Restores `log` from `file` and appends every line it keeps from now on. */
export function keepRunLogIn(log: BufferedRunLog, file: string, warn: (m: string) => void): void {
  if (existsSync(file)) {
    const restored: KeptRunLogLine[] = [];
    for (const text of readFileSync(file, "utf8").split("\n")) {
      if (!text) continue;
      try {
        const v: unknown = JSON.parse(text);
        if (isKept(v)) restored.push(v);
      } catch {
        // a line cut short by a crash: skipped
      }
    }
    log.restore(restored);
    if (statSync(file).size > MAX_BYTES)
      writeFileSync(
        file,
        log
          .kept()
          .map((l) => `${JSON.stringify(l)}\n`)
          .join(""),
        { mode: 0o600 },
      );
  }
  let failed = false;
  log.onKept = (line) => {
    try {
      appendFileSync(file, `${JSON.stringify(line)}\n`, { mode: 0o600 });
    } catch (e) {
      // The log on disk is a convenience: a full disk does not stop the stack (the buffer keeps going).
      if (!failed) warn(`could not append to ${file}: ${String(e)}`);
      failed = true;
    }
  };
}

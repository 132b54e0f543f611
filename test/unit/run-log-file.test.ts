// The local stack's run log outlives a restart (issue 14, problem 3): the lines kept in one process
// are appended to <data folder>/run-log.jsonl and read back by the next, where the run's page finds
// them; a line cut short by a crash is skipped; ids stay unique across processes.
import { appendFileSync, mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { expect, it } from "vitest";
import { BufferedRunLog } from "#adapters/buffered-run-log.ts";
import { keepRunLogIn } from "#local/run-log-file.ts";

const UUID = "0b9f1a7e-2c4d-4e5f-8a9b-0c1d2e3f4a5b";
const request = {
  execution_uuid: UUID,
  job_name: "j",
  started_at: "",
  finished_at: null,
  limit: 100,
  after: null,
};

it("problem 3: a run's log lines are read back after a restart of the local stack", async () => {
  const file = join(mkdtempSync(join(tmpdir(), "run-log-")), "run-log.jsonl");
  const first = new BufferedRunLog();
  keepRunLogIn(first, file, () => {});
  first.record("info", "stage started", { execution_uuid: UUID, stage: "fetch" });
  first.record("warn", "attempt failed, retrying", { execution_uuid: UUID, attempt: 1 });
  first.record("info", "not a run's line", {});
  appendFileSync(file, '{"id":"cut short');

  const second = new BufferedRunLog();
  keepRunLogIn(second, file, () => {});
  second.record("error", "attempt failed", { execution_uuid: UUID, attempt: 2 });
  const page = await second.read(request);
  expect(page.lines.map((l) => [l.level, l.message, l.fields])).toEqual([
    ["INFO", "stage started", { stage: "fetch" }],
    ["WARN", "attempt failed, retrying", { attempt: 1 }],
    ["ERROR", "attempt failed", { attempt: 2 }],
  ]);
  const ids = second.kept().map((k) => k.id);
  expect(new Set(ids).size).toBe(ids.length);
});

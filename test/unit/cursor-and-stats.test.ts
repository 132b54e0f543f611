import { createHmac } from "node:crypto";
import { describe, expect, it } from "vitest";
import { ValidationError } from "#domain/errors.ts";
import { CursorCodec } from "#domain/runs/run-queries.ts";
import { computeStats, percentile } from "#domain/runs/run-stats.ts";
import type { RunPosition } from "#ports/run-store.ts";
import type { Run, RunStatus } from "#schemas/run.ts";
import { aRun } from "#test/helpers/builders.ts";

const POS: RunPosition = {
  execution_uuid: "11111111-1111-4111-8111-111111111111",
  started_at: "2025-07-10T00:00:00.000Z",
  job_name: "sync.jobs",
};
const FP = '{"job_name":"sync.jobs"}';

function expectInvalid(fn: () => unknown) {
  let caught: unknown;
  try {
    fn();
  } catch (e) {
    caught = e;
  }
  expect(caught).toBeInstanceOf(ValidationError);
  const err = caught as ValidationError;
  expect(err.status).toBe(400);
  expect(err.code).toBe("invalid_request");
  expect(err.details).toEqual([{ field: "cursor", message: expect.any(String) }]);
}

/** Replaces one character of `s` at `i` with a different base64url character. */
function flip(s: string, i: number): string {
  const c = s[i] === "A" ? "B" : "A";
  return s.slice(0, i) + c + s.slice(i + 1);
}

describe("CursorCodec", () => {
  const codec = new CursorCodec("secret-1");

  it("round-trips a position", () => {
    const cursor = codec.encode(POS, FP);
    expect(cursor).toMatch(/^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]{32}$/);
    expect(codec.decode(cursor, FP)).toEqual(POS);
  });

  it("refuses a tampered body", () => {
    const [body, sig] = codec.encode(POS, FP).split(".") as [string, string];
    const forged = Buffer.from(
      JSON.stringify({ p: { ...POS, started_at: "2030-01-01T00:00:00.000Z" }, f: FP }),
    ).toString("base64url");
    expectInvalid(() => codec.decode(`${forged}.${sig}`, FP));
    expectInvalid(() => codec.decode(`${flip(body, 5)}.${sig}`, FP));
  });

  it("refuses a tampered signature", () => {
    const [body, sig] = codec.encode(POS, FP).split(".") as [string, string];
    expectInvalid(() => codec.decode(`${body}.${flip(sig, 0)}`, FP));
    expectInvalid(() => codec.decode(`${body}.${sig.slice(0, 31)}`, FP));
    expectInvalid(() => codec.decode(`${body}.`, FP));
  });

  it("refuses a cursor made for another filter", () => {
    const cursor = codec.encode(POS, FP);
    expectInvalid(() => codec.decode(cursor, '{"job_name":"other.job"}'));
  });

  it("refuses a cursor signed with another secret", () => {
    const cursor = new CursorCodec("secret-2").encode(POS, FP);
    expectInvalid(() => codec.decode(cursor, FP));
  });

  it("refuses garbage", () => {
    for (const g of ["", "abc", "a.b.c", "...", "not-a-cursor", "%%%.###"]) {
      expectInvalid(() => codec.decode(g, FP));
    }
  });

  it("refuses a correctly signed body that is not a position", () => {
    // Same secret and signing scheme, but the body is not the shape encode() writes.
    const sign = (body: string) =>
      createHmac("sha256", "secret-1").update(body).digest("base64url").slice(0, 32);
    const [goodBody, goodSig] = codec.encode(POS, FP).split(".") as [string, string];
    expect(sign(goodBody)).toBe(goodSig); // the scheme above is the codec's own
    const body = Buffer.from(JSON.stringify({ p: { execution_uuid: 1 }, f: FP })).toString("base64url");
    expectInvalid(() => codec.decode(`${body}.${sign(body)}`, FP));
    const notJson = Buffer.from("{not json").toString("base64url");
    expectInvalid(() => codec.decode(`${notJson}.${sign(notJson)}`, FP));
  });
});

let n = 0;
function run(status: RunStatus, over: Partial<Run> = {}): Run {
  n++;
  return aRun({
    status,
    started_at: `2025-07-10T00:${String(n % 60).padStart(2, "0")}:00.000Z`,
    duration_seconds: status === "RUNNING" || status === "QUEUED" ? null : 10,
    created_at: "2025-07-10T00:00:00.000Z",
    updated_at: "2025-07-10T00:00:00.000Z",
    ...over,
  });
}

describe("percentile", () => {
  it("is null for an empty list", () => {
    expect(percentile([], 95)).toBeNull();
  });

  it("uses nearest rank", () => {
    const xs = Array.from({ length: 20 }, (_, i) => i + 1); // 1..20
    expect(percentile(xs, 95)).toBe(19); // ceil(0.95*20) = 19th
    expect(percentile(xs, 50)).toBe(10);
    expect(percentile(xs, 100)).toBe(20);
    expect(percentile([1, 2, 3, 4, 5, 6, 7, 8, 9, 10], 95)).toBe(10); // ceil(9.5) = 10th
  });

  it("handles one element and extreme p", () => {
    expect(percentile([7], 95)).toBe(7);
    expect(percentile([7], 0)).toBe(7);
    expect(percentile([1, 2, 3], 0)).toBe(1); // rank clamps to 1
    expect(percentile([1, 2, 3], 150)).toBe(3); // rank clamps to n
  });
});

describe("computeStats", () => {
  it("counts statuses and sums inserted rows", () => {
    const s = computeStats([
      run("SUCCESS", { inserted_count: 5 }),
      run("SUCCESS", { inserted_count: 2 }),
      run("FAILURE"),
      run("TIMED_OUT"),
      run("SKIPPED", { duration_seconds: 0 }),
      run("CANCELLED"),
      run("RUNNING", { inserted_count: 1 }),
    ]);
    expect(s).toMatchObject({
      total: 7,
      succeeded: 2,
      failed: 2,
      skipped: 1,
      cancelled: 1,
      inserted_total: 8,
    });
  });

  it("success_rate excludes SKIPPED and active runs", () => {
    const s = computeStats([
      run("SUCCESS"),
      run("SUCCESS"),
      run("SUCCESS"),
      run("FAILURE"),
      run("SKIPPED"),
      run("SKIPPED"),
      run("RUNNING"),
    ]);
    expect(s.success_rate).toBe(0.75);
    expect(computeStats([run("SUCCESS"), run("SUCCESS"), run("CANCELLED")]).success_rate).toBe(0.667);
  });

  it("success_rate is null when no run finished (only skips or active)", () => {
    expect(computeStats([]).success_rate).toBeNull();
    expect(computeStats([run("SKIPPED"), run("RUNNING"), run("QUEUED")]).success_rate).toBeNull();
  });

  it("averages durations and takes the nearest-rank p95, ignoring skips and open runs", () => {
    const runs = Array.from({ length: 20 }, (_, i) => run("SUCCESS", { duration_seconds: 20 - i }));
    runs.push(run("SKIPPED", { duration_seconds: 1000 }));
    runs.push(run("RUNNING", { duration_seconds: null }));
    const s = computeStats(runs);
    expect(s.avg_duration_seconds).toBe(10.5);
    expect(s.p95_duration_seconds).toBe(19);
  });

  it("has null duration stats without durations", () => {
    const s = computeStats([run("RUNNING"), run("SKIPPED", { duration_seconds: 0 })]);
    expect(s.avg_duration_seconds).toBeNull();
    expect(s.p95_duration_seconds).toBeNull();
  });

  it("last_failure is the newest FAILURE or TIMED_OUT, whatever the input order", () => {
    const oldFail = run("FAILURE", { started_at: "2025-07-08T00:00:00.000Z", error_summary: "old" });
    const newest = run("TIMED_OUT", { started_at: "2025-07-10T12:00:00.000Z", error_summary: "newest" });
    const mid = run("FAILURE", { started_at: "2025-07-09T00:00:00.000Z", error_summary: "mid" });
    const later = run("SUCCESS", { started_at: "2025-07-11T00:00:00.000Z" });
    const s = computeStats([oldFail, newest, mid, later]);
    expect(s.last_failure).toEqual({
      execution_uuid: newest.execution_uuid,
      started_at: newest.started_at,
      error_summary: "newest",
    });
    expect(computeStats([mid, oldFail]).last_failure?.error_summary).toBe("mid");
    expect(computeStats([run("SUCCESS"), run("CANCELLED")]).last_failure).toBeNull();
  });
});

// The attempt record of a failed attempt (problem 3 of issue 14): no doubled "Error: Error:", the
// first stack frames without host paths, secrets masked, bounded sizes.
import { describe, expect, it } from "vitest";
import { failedAttempt, lambdaCause, withAttempt } from "#domain/runs/run-attempts.ts";
import { describeStepError } from "#domain/runs/step-errors.ts";
import { ATTEMPTS_MAX } from "#schemas/run.ts";

describe("failed attempts", () => {
  it("says an error's type once (no 'Error: Error: …')", () => {
    const cause = lambdaCause(new Error("Error: fetch failed"));
    expect(describeStepError({ Error: "Error", Cause: cause })).toBe("Error: fetch failed");
    expect(describeStepError({ Error: "Error", Cause: "Error: fetch failed" })).toBe("Error: fetch failed");
    expect(failedAttempt({ Error: "Error", Cause: cause }, 1, null, "2026-01-01T00:00:00.000Z").message).toBe(
      "fetch failed",
    );
  });

  it("keeps at most 5 short frames and masks credentials", () => {
    const e = new Error("GET https://user:pw@api.example.test/x?api_key=SECRET failed, Bearer abc.def");
    e.stack = [
      "Error: x",
      ...Array.from({ length: 9 }, (_, i) => `    at f${i} (/home/ops/jobdeck/functions/jobs/a.ts:${i}:1)`),
    ].join("\n");
    const a = failedAttempt({ Error: "Error", Cause: lambdaCause(e) }, 2, null, "2026-01-01T00:00:00.000Z");
    expect(a.stack).toHaveLength(5);
    expect(a.stack[0]).toBe("at f0 (a.ts:0:1)");
    expect(a.message).not.toMatch(/pw@|SECRET|abc\.def/);
    const long = failedAttempt(
      { Error: "Error", Cause: "y".repeat(5000) },
      1,
      null,
      "2026-01-01T00:00:00.000Z",
    );
    expect(long.message.length).toBeLessThanOrEqual(1000);
  });

  it("keeps the latest attempts, one record per attempt", () => {
    let list = withAttempt([], failedAttempt(undefined, 1, null, "2026-01-01T00:00:00.000Z"));
    list = withAttempt(list, failedAttempt(undefined, 1, null, "2026-01-01T00:00:01.000Z"));
    expect(list).toHaveLength(1);
    for (let i = 2; i <= 30; i++)
      list = withAttempt(list, failedAttempt(undefined, i, null, "2026-01-01T00:00:00.000Z"));
    expect(list).toHaveLength(ATTEMPTS_MAX);
    expect(list.at(-1)?.attempt).toBe(30);
  });
});

// Issue 14, problems 1, 2 and 9 without a browser: why a job or a schedule will not run next (the
// most fundamental reason first), and a failed request's reason in the operator's language.
import { describe, expect, it } from "vitest";
import { ApiError, type JobView } from "#web/api.ts";
import { failureReason } from "#web/failure-reason.ts";
import { translator } from "#web/i18n.ts";
import { jobBlock, scheduleBlock } from "#web/job-state.ts";

const schedule = { enabled: true, expression_error: null, next: "2030-01-01T00:00:00Z" };
const job = (over: Partial<JobView>): JobView =>
  ({
    name: "recap.pipeline",
    enabled: true,
    schedules: [{ ...schedule, next_fire_at: schedule.next }],
    next_scheduled_for: schedule.next,
    ...over,
  }) as JobView;

describe("why nothing runs next", () => {
  it("a schedule: broken expression, then switched off, then its job off, then the pause", () => {
    expect(scheduleBlock(schedule, true, false)).toBeNull();
    expect(scheduleBlock(schedule, true, true)).toBe("no_next_paused");
    expect(scheduleBlock(schedule, false, true)).toBe("no_next_job_disabled");
    expect(scheduleBlock({ ...schedule, enabled: false }, false, true)).toBe("no_next_schedule_off");
    expect(scheduleBlock({ ...schedule, expression_error: "bad" }, true, false)).toBe("no_next_expression");
    expect(scheduleBlock({ ...schedule, next: null }, true, false)).toBe("no_next_ended");
  });

  it("a job: switched off, no schedule, every schedule off, the pause", () => {
    expect(jobBlock(job({}), false)).toBeNull();
    expect(jobBlock(job({}), true)).toBe("no_next_paused");
    expect(jobBlock(job({ enabled: false }), true)).toBe("no_next_job_disabled");
    expect(jobBlock(job({ schedules: [], next_scheduled_for: null }), false)).toBe("no_next_no_schedule");
    const off = job({ next_scheduled_for: null });
    off.schedules = off.schedules.map((s) => ({ ...s, enabled: false }));
    expect(jobBlock(off, false)).toBe("no_next_schedule_off");
  });
});

describe("a failed request's reason", () => {
  it("says offline, unreachable or server error in the operator's language, never 'Failed to fetch'", () => {
    const ja = translator("ja");
    const en = translator("en");
    expect(failureReason(en, new TypeError("Failed to fetch"))).toBe("Cannot reach the server");
    expect(failureReason(ja, new TypeError("Failed to fetch"))).toBe("サーバーに接続できません");
    expect(failureReason(en, new ApiError(503, "unavailable", "store down", null))).toBe(
      "The server answered with an error (503)",
    );
    expect(failureReason(ja, new ApiError(403, "forbidden", "no", null))).toBe("権限がありません");
  });
});

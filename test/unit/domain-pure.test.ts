import { describe, expect, it } from "vitest";
import { issuesToFields } from "#domain/errors.ts";
import { canonicalJson, concurrencyKey } from "#domain/runs/concurrency-key.ts";
import {
  canTransition,
  durationSeconds,
  ERROR_SUMMARY_MAX,
  summarizeError,
} from "#domain/runs/run-lifecycle.ts";
import { describeStepError } from "#domain/runs/step-errors.ts";
import { isValidTimeZone, toDisplayTime } from "#domain/time.ts";
import { FINISHED_STATUSES, RUN_STATUSES } from "#schemas/run.ts";

describe("canonicalJson", () => {
  it("does not depend on key order", () => {
    expect(canonicalJson({ b: 1, a: 2, c: "x" })).toBe('{"a":2,"b":1,"c":"x"}');
    expect(canonicalJson({ c: "x", a: 2, b: 1 })).toBe(canonicalJson({ b: 1, a: 2, c: "x" }));
  });

  it("sorts keys at every nesting level", () => {
    const a = { outer: { z: 1, y: { q: true, p: null } }, alpha: [{ d: 1, c: 2 }] };
    const b = { alpha: [{ c: 2, d: 1 }], outer: { y: { p: null, q: true }, z: 1 } };
    expect(canonicalJson(a)).toBe(canonicalJson(b));
    expect(canonicalJson(a)).toBe('{"alpha":[{"c":2,"d":1}],"outer":{"y":{"p":null,"q":true},"z":1}}');
  });

  it("keeps array order", () => {
    expect(canonicalJson([3, 1, 2])).toBe("[3,1,2]");
    expect(canonicalJson({ a: [1, 2] })).not.toBe(canonicalJson({ a: [2, 1] }));
  });

  it("drops undefined properties, keeps null", () => {
    expect(canonicalJson({ a: 1, b: undefined })).toBe('{"a":1}');
    expect(canonicalJson({ a: 1, b: undefined })).toBe(canonicalJson({ a: 1 }));
    expect(canonicalJson({ a: null })).toBe('{"a":null}');
  });

  it("serialises scalars like JSON", () => {
    expect(canonicalJson("x")).toBe('"x"');
    expect(canonicalJson(1.5)).toBe("1.5");
    expect(canonicalJson(null)).toBe("null");
    expect(canonicalJson(undefined)).toBe("null");
  });
});

describe("concurrencyKey", () => {
  it("is the job name in mode job, whatever the params", () => {
    expect(concurrencyKey("sync.jobs", "job", { a: 1 })).toBe("sync.jobs");
    expect(concurrencyKey("sync.jobs", "job", { a: 2 })).toBe("sync.jobs");
  });

  it("in mode params, equal params (any key order) give equal keys", () => {
    const k1 = concurrencyKey("sync.jobs", "params", { market: "tse", date: "2025-07-10" });
    const k2 = concurrencyKey("sync.jobs", "params", { date: "2025-07-10", market: "tse" });
    expect(k1).toBe(k2);
    expect(k1).toMatch(/^sync\.jobs#[0-9a-f]{16}$/);
  });

  it("in mode params, different params give different keys", () => {
    const k1 = concurrencyKey("sync.jobs", "params", { market: "tse" });
    const k2 = concurrencyKey("sync.jobs", "params", { market: "nse" });
    expect(k1).not.toBe(k2);
    expect(concurrencyKey("other.job", "params", { market: "tse" })).not.toBe(k1);
  });
});

describe("toDisplayTime", () => {
  it("renders Asia/Tokyo with +09:00", () => {
    expect(toDisplayTime("2025-10-30T13:05:12Z", "Asia/Tokyo")).toBe("2025-10-30T22:05:12+09:00");
  });

  it("crosses the date line into the next day", () => {
    expect(toDisplayTime("2025-12-31T20:00:00Z", "Asia/Tokyo")).toBe("2026-01-01T05:00:00+09:00");
  });

  it("renders America/New_York in winter with -05:00 and in summer with -04:00", () => {
    expect(toDisplayTime("2025-01-15T12:00:00Z", "America/New_York")).toBe("2025-01-15T07:00:00-05:00");
    expect(toDisplayTime("2025-07-15T12:00:00Z", "America/New_York")).toBe("2025-07-15T08:00:00-04:00");
  });

  it("renders Asia/Kolkata with +05:30", () => {
    expect(toDisplayTime("2025-07-10T00:00:00Z", "Asia/Kolkata")).toBe("2025-07-10T05:30:00+05:30");
  });

  it("renders midnight as 00, not 24", () => {
    expect(toDisplayTime("2025-07-09T15:00:00Z", "Asia/Tokyo")).toBe("2025-07-10T00:00:00+09:00");
  });

  it("renders a negative half-hour offset", () => {
    expect(toDisplayTime("2025-01-15T12:00:00Z", "America/St_Johns")).toBe("2025-01-15T08:30:00-03:30");
  });

  it("renders UTC with +00:00", () => {
    expect(toDisplayTime("2025-07-10T00:00:00Z", "UTC")).toBe("2025-07-10T00:00:00+00:00");
  });

  it("keeps milliseconds when present", () => {
    expect(toDisplayTime("2025-10-30T13:05:12.045Z", "Asia/Tokyo")).toBe("2025-10-30T22:05:12.045+09:00");
    expect(toDisplayTime("2025-01-15T12:00:00.500Z", "America/New_York")).toBe(
      "2025-01-15T07:00:00.500-05:00",
    );
  });

  it("accepts input with an offset", () => {
    expect(toDisplayTime("2025-10-30T22:05:12+09:00", "UTC")).toBe("2025-10-30T13:05:12+00:00");
  });

  it("returns invalid input as is", () => {
    expect(toDisplayTime("not a time", "Asia/Tokyo")).toBe("not a time");
    expect(toDisplayTime("", "Asia/Tokyo")).toBe("");
  });
});

describe("isValidTimeZone", () => {
  it("accepts IANA zones and rejects unknown ones", () => {
    expect(isValidTimeZone("Asia/Tokyo")).toBe(true);
    expect(isValidTimeZone("America/New_York")).toBe(true);
    expect(isValidTimeZone("UTC")).toBe(true);
    expect(isValidTimeZone("Mars/Olympus_Mons")).toBe(false);
    expect(isValidTimeZone("not a zone")).toBe(false);
  });
});

describe("canTransition", () => {
  it("never moves a finished status", () => {
    for (const from of FINISHED_STATUSES) {
      for (const to of RUN_STATUSES) expect(canTransition(from, to), `${from}→${to}`).toBe(false);
    }
  });

  it("allows QUEUED→RUNNING, RUNNING→SUCCESS and RUNNING→SKIPPED (a job's ctx.skip) but not RUNNING→QUEUED", () => {
    expect(canTransition("QUEUED", "RUNNING")).toBe(true);
    expect(canTransition("QUEUED", "SKIPPED")).toBe(true);
    expect(canTransition("RUNNING", "SUCCESS")).toBe(true);
    expect(canTransition("RUNNING", "CANCELLED")).toBe(true);
    expect(canTransition("RUNNING", "QUEUED")).toBe(false);
    expect(canTransition("RUNNING", "SKIPPED")).toBe(true);
    expect(canTransition("SKIPPED", "RUNNING")).toBe(false);
    expect(canTransition("RUNNING", "RUNNING")).toBe(false);
  });
});

describe("summarizeError", () => {
  it("keeps a short error as is, trimmed and without CR", () => {
    expect(summarizeError("  boom\r\nline 2  ")).toBe("boom\nline 2");
  });

  it("cuts long errors to at most 512 characters with an ellipsis", () => {
    const s = summarizeError("x".repeat(2000));
    expect(s.length).toBe(ERROR_SUMMARY_MAX);
    expect(s.length).toBeLessThanOrEqual(512);
    expect(s.endsWith("…")).toBe(true);
    expect(summarizeError("y".repeat(512))).toBe("y".repeat(512));
  });

  it("names an empty error", () => {
    expect(summarizeError("   ")).toBe("unknown error");
  });
});

describe("durationSeconds", () => {
  it("is the difference to the millisecond", () => {
    expect(durationSeconds("2025-07-10T00:00:00.000Z", "2025-07-10T00:01:02.345Z")).toBe(62.345);
    expect(durationSeconds("2025-07-10T09:00:00+09:00", "2025-07-10T00:00:01Z")).toBe(1);
  });

  it("is never negative", () => {
    expect(durationSeconds("2025-07-10T00:00:05Z", "2025-07-10T00:00:00Z")).toBe(0);
  });
});

describe("issuesToFields", () => {
  it("joins prefix and path", () => {
    expect(issuesToFields([{ path: ["a", 0, "b"], message: "bad" }], "params")).toEqual([
      { field: "params.a.0.b", message: "bad", code: "invalid" },
    ]);
    expect(issuesToFields([{ path: ["limit"], message: "too big" }])).toEqual([
      { field: "limit", message: "too big", code: "invalid" },
    ]);
  });

  it("names the body when there is no path", () => {
    expect(issuesToFields([{ path: [], message: "expected object" }])).toEqual([
      { field: "(body)", message: "expected object", code: "invalid" },
    ]);
    expect(issuesToFields([{ path: [], message: "expected object" }], "params")).toEqual([
      { field: "params", message: "expected object", code: "invalid" },
    ]);
  });

  it("expands unrecognized_keys into one entry per key", () => {
    const out = issuesToFields(
      [{ path: [], message: "Unrecognized keys", code: "unrecognized_keys", keys: ["x", "y"] }],
      "params",
    );
    expect(out).toEqual([
      { field: "params.x", message: "unknown field", code: "unknown_field" },
      { field: "params.y", message: "unknown field", code: "unknown_field" },
    ]);
    expect(
      issuesToFields([{ path: ["nested"], message: "u", code: "unrecognized_keys", keys: ["z"] }]),
    ).toEqual([{ field: "nested.z", message: "unknown field", code: "unknown_field" }]);
    expect(issuesToFields([{ path: [], message: "u", code: "unrecognized_keys", keys: ["k"] }])).toEqual([
      { field: "k", message: "unknown field", code: "unknown_field" },
    ]);
  });
});

describe("describeStepError", () => {
  it("reads errorMessage from a Lambda-style Cause JSON string", () => {
    expect(describeStepError({ Error: "Error", Cause: '{"errorMessage":"boom","errorType":"Error"}' })).toBe(
      "Error: boom",
    );
  });

  it("uses a plain string cause as the message", () => {
    expect(describeStepError({ Error: "InvalidParams", Cause: "params.x unknown field" })).toBe(
      "InvalidParams: params.x unknown field",
    );
  });

  it("explains States.Timeout", () => {
    const s = describeStepError({ Error: "States.Timeout" });
    expect(s).toBe("States.Timeout: the job worker ran longer than its timeout");
    expect(describeStepError({ Error: "States.Timeout", Cause: "after 60 s" })).toBe(
      "States.Timeout: the job worker ran longer than its timeout after 60 s",
    );
  });

  it("falls back to the error name or unknown error", () => {
    expect(describeStepError({ Error: "JobCancelled" })).toBe("JobCancelled");
    expect(describeStepError(undefined)).toBe("unknown error");
    expect(describeStepError({ Error: "E", Cause: { code: 7 } })).toBe('E: {"code":7}');
  });
});

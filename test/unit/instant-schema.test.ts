// InstantSchema (spec/api.md "Times"): an instant with an offset or Z that names a date and time
// that exist. Date.parse alone rolls impossible ones over (2025-02-30 → 2 March, 24:00 → next day).
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { InstantSchema, parseInstant } from "#schemas/common.ts";

const message = (s: string) => {
  const r = InstantSchema.safeParse(s);
  return r.success ? null : r.error.issues.map((i) => i.message).join("; ");
};

describe("InstantSchema refuses impossible calendar dates and times", () => {
  it.each([
    ["2025-02-30T00:00:00Z", /^day 30 does not exist in 2025-02 \(01-28\)$/],
    ["2025-02-29T00:00:00Z", /day 29 does not exist in 2025-02/],
    ["2100-02-29T00:00:00Z", /day 29 does not exist in 2100-02/],
    ["2025-04-31T00:00:00+09:00", /day 31 does not exist in 2025-04 \(01-30\)/],
    ["2025-01-00T00:00:00Z", /day 00 does not exist/],
    ["2025-13-01T00:00:00Z", /^month 13 does not exist \(01-12\)$/],
    ["2025-00-01T00:00:00Z", /month 00 does not exist/],
    ["2025-01-01T24:00:00Z", /^hour 24 does not exist \(00-23\)$/],
    ["2025-01-01T24:61:00Z", /hour 24 does not exist/],
    ["2025-01-01T23:61:00Z", /^minute 61 does not exist \(00-59\)$/],
    ["2025-01-01T23:59:60Z", /^second 60 does not exist \(00-59\)$/],
    ["2025-01-01T12:00:00+24:00", /^offset \+24:00 does not exist$/],
    ["2025-01-01T12:00:00-09:60", /offset -09:60 does not exist/],
    ["0000-01-01T00:00:00+00:01", /within the years 0000-9999 in UTC/],
    ["9999-12-31T23:59:59-00:01", /within the years 0000-9999 in UTC/],
    ["2025-01-01", /ISO 8601 time with an offset or Z/],
    ["2025-01-01T00:00:00", /ISO 8601 time with an offset or Z/],
    ["+012025-01-01T00:00:00Z", /ISO 8601/],
  ])("%s", (input, expected) => {
    expect(message(input)).toMatch(expected);
  });

  it("one message per bad value (the format check does not add a second)", () => {
    expect(InstantSchema.safeParse("yesterday").error?.issues).toHaveLength(1);
    expect(InstantSchema.safeParse("2025-02-30T00:00:00Z").error?.issues).toHaveLength(1);
  });
});

describe("InstantSchema accepts every real instant as Date.parse reads it", () => {
  it.each([
    "2024-02-29T23:59:59.999Z",
    "2000-02-29T00:00:00Z",
    "2025-10-30T22:05:12+09:00",
    "2025-10-30T22:05+0900",
    "2025-10-30T22:05:12.123456789-03:30",
    "0000-01-01T00:00:00Z",
    "0099-06-15T12:00:00Z",
    "9999-12-31T23:59:59.999Z",
  ])("%s", (input) => {
    expect(message(input)).toBeNull();
    const r = parseInstant(input);
    expect(r.ok && r.ms).toBe(Date.parse(input));
  });

  it("property: any date and time that exists, with any offset, reads as Date.parse reads it", () => {
    const pad = (n: number, w = 2) => String(Math.abs(n)).padStart(w, "0");
    fc.assert(
      fc.property(
        fc.date({
          min: new Date("0001-01-02T00:00:00Z"),
          max: new Date("9999-12-30T00:00:00Z"),
          noInvalidDate: true,
        }),
        fc.integer({ min: -(23 * 60 + 59), max: 23 * 60 + 59 }),
        (d, off) => {
          // The wall clock of `d` at offset `off`, written with that offset: the same instant.
          const w = new Date(d.getTime() + off * 60_000);
          const text =
            `${pad(w.getUTCFullYear(), 4)}-${pad(w.getUTCMonth() + 1)}-${pad(w.getUTCDate())}T` +
            `${pad(w.getUTCHours())}:${pad(w.getUTCMinutes())}:${pad(w.getUTCSeconds())}.${pad(w.getUTCMilliseconds(), 3)}` +
            `${off < 0 ? "-" : "+"}${pad(Math.trunc(Math.abs(off) / 60))}:${pad(Math.abs(off) % 60)}`;
          const r = parseInstant(text);
          return r.ok && r.ms === d.getTime() && r.ms === Date.parse(text);
        },
      ),
      { numRuns: 300, seed: 20261128 },
    );
  });
});

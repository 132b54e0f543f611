// The pure part of the page's relative times: one "now" for every time on the page, moved on by the
// skew the server has been seen ahead of the browser, the clamp for an event that has happened, and
// when a time needs the clock every second.
import { describe, expect, it } from "vitest";
import { fmtRelative, relativeInSeconds, serverSkew } from "#web/format.ts";

const T0 = Date.parse("2026-11-28T09:23:28Z");
const iso = (ms: number) => new Date(ms).toISOString();

describe("fmtRelative against one now", () => {
  it("started 5 s before finished reads 5 s earlier, at any now", () => {
    const started = iso(T0);
    const finished = iso(T0 + 5000);
    for (const now of [T0 + 5000, T0 + 8000, T0 + 30_000]) {
      const s = fmtRelative(started, "en", now, true);
      const f = fmtRelative(finished, "en", now, true);
      const age = (now - T0) / 1000;
      expect(s).toBe(`${age} seconds ago`);
      expect(f).toBe(age - 5 === 0 ? "now" : `${age - 5} seconds ago`);
    }
    expect(fmtRelative(started, "ja", T0 + 3000, true)).toBe("3 秒前");
  });

  it("an event that has happened never reads as future; other times may", () => {
    expect(fmtRelative(iso(T0 + 3000), "en", T0, true)).toBe("now");
    expect(fmtRelative(iso(T0 + 3000), "en", T0)).toBe("in 3 seconds");
  });
});

describe("serverSkew: how far the server runs ahead of the browser", () => {
  it("learns from an event later than the browser's clock and never shrinks or goes negative", () => {
    expect(serverSkew(0, iso(T0 + 6000), T0)).toBe(6000);
    expect(serverSkew(6000, iso(T0 + 2000), T0)).toBe(6000);
    expect(serverSkew(0, iso(T0 - 4000), T0)).toBe(0);
    expect(serverSkew(1500, null, T0)).toBe(1500);
    expect(serverSkew(1500, "not a date", T0)).toBe(1500);
  });

  it("the browser 6 s behind: both times against the skewed now keep their 5 s difference, none pinned to now", () => {
    const started = iso(T0);
    const finished = iso(T0 + 5000);
    const browserNow = T0 - 1000; // the server's T0 + 5000
    let skew = serverSkew(0, started, browserNow);
    skew = serverSkew(skew, finished, browserNow);
    const now = browserNow + skew;
    expect(fmtRelative(finished, "en", now, true)).toBe("now");
    expect(fmtRelative(started, "en", now, true)).toBe("5 seconds ago");
    // 3 s on, both moved by 3 s
    expect(fmtRelative(finished, "en", now + 3000, true)).toBe("3 seconds ago");
    expect(fmtRelative(started, "en", now + 3000, true)).toBe("8 seconds ago");
  });
});

describe("relativeInSeconds: the clock ticks every second under a minute", () => {
  it("under a minute either way yes, from a minute on no", () => {
    expect(relativeInSeconds(iso(T0), T0 + 59_000)).toBe(true);
    expect(relativeInSeconds(iso(T0 + 30_000), T0)).toBe(true);
    expect(relativeInSeconds(iso(T0), T0 + 60_000)).toBe(false);
    expect(relativeInSeconds(null, T0)).toBe(false);
  });
});

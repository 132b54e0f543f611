import { describe, expect, it } from "vitest";
import type { BarRecord, BarStore } from "#jobs/daily-bars/bar-store.ts";
import type { CalendarRow, DailyBarRow, DailyBarsSource } from "#jobs/daily-bars/bars-source.ts";
import {
  type DailyBarsParams,
  dailyBarsParameters,
  planBars,
  syncDailyBars,
} from "#jobs/daily-bars/daily-bars.ts";
import { jstDate, logicalDate } from "#jobs/daily-bars/logical-date.ts";
import { FakeJobContext } from "#test/helpers/fake-job-context.ts";

const DAY = "2026-11-27"; // a Friday
const HOLIDAY = "2026-11-23"; // 勤労感謝の日 (a Monday)

function bar(code: string, close: number | null, date = DAY): DailyBarRow {
  return {
    Date: date,
    Code: code,
    O: close,
    H: close === null ? null : close + 10,
    L: close === null ? null : close - 10,
    C: close,
    UL: "0",
    LL: "0",
    Vo: close === null ? null : 1000,
    Va: close === null ? null : close * 1000,
    AdjFactor: 1,
    AdjO: close,
    AdjH: close === null ? null : close + 10,
    AdjL: close === null ? null : close - 10,
    AdjC: close,
    AdjVo: close === null ? null : 1000,
  };
}

class FakeSource implements DailyBarsSource {
  readonly barCalls: string[] = [];
  readonly calendarCalls: Array<{ from: string; to: string }> = [];
  constructor(
    readonly bars: Record<string, DailyBarRow[]>,
    readonly days: CalendarRow[],
  ) {}
  async dailyBars(q: { date: string }) {
    this.barCalls.push(q.date);
    return this.bars[q.date] ?? [];
  }
  async calendar(q: { from: string; to: string }) {
    this.calendarCalls.push(q);
    return this.days.filter((d) => d.Date >= q.from && d.Date <= q.to);
  }
}

class MemoryBarStore implements BarStore {
  readonly items = new Map<string, BarRecord>();
  readonly putCalls: number[] = [];
  async readDay(date: string) {
    return [...this.items.values()].filter((b) => b.date === date).map((b) => ({ ...b }));
  }
  async putMany(bars: readonly BarRecord[], onProgress?: (n: number) => void) {
    this.putCalls.push(bars.length);
    for (const b of bars) this.items.set(`${b.code}#${b.date}`, { ...b });
    onProgress?.(bars.length);
  }
}

function ctxFor(params: Partial<DailyBarsParams> = {}, scheduledFor = "2026-11-27T09:30:00.000Z") {
  const ctx = new FakeJobContext<DailyBarsParams>(dailyBarsParameters.parse(params));
  ctx.scheduledFor = new Date(scheduledFor);
  return ctx;
}

const CALENDAR: CalendarRow[] = [
  { Date: HOLIDAY, HolDiv: "0" },
  { Date: "2026-11-24", HolDiv: "1" },
  { Date: "2026-11-28", HolDiv: "0" },
  { Date: DAY, HolDiv: "1" },
];

describe("jquants.daily_bars: the logical date (JST)", () => {
  it("a weekday fire at 18:30 JST (09:30 UTC) is for that same JST day", () => {
    expect(logicalDate({ scheduledFor: new Date("2026-11-27T09:30:00.000Z") })).toBe("2026-11-27");
  });

  it("a time after 15:00 UTC is already the next JST day", () => {
    expect(jstDate(new Date("2026-11-26T15:00:00.000Z"))).toBe("2026-11-27");
    expect(jstDate(new Date("2026-11-26T14:59:59.999Z"))).toBe("2026-11-26");
  });
});

describe("jquants.daily_bars: params", () => {
  it("rejects an unknown key, a bad date and a string for codes, naming the field", () => {
    const paths = (v: unknown) => {
      const r = dailyBarsParameters.safeParse(v);
      return r.success ? [] : r.error.issues.map((i) => i.path.join("."));
    };
    expect(paths({ dates: DAY })).toEqual([""]); // strict: the unknown key is refused
    expect(paths({ date: "2026-02-30" })).toEqual(["date"]);
    expect(paths({ date: "27/11/2026" })).toEqual(["date"]);
    expect(paths({ codes: "72030" })).toEqual(["codes"]);
    expect(paths({ codes: ["72030", "x"] })).toEqual(["codes.1"]);
    expect(paths({ codes: [] })).toEqual(["codes"]);
    expect(dailyBarsParameters.parse({})).toEqual({ dry_run: false });
  });
});

describe("jquants.daily_bars: planBars", () => {
  it("sorts the day's rows into inserted, updated, unchanged, no trades and duplicates", () => {
    const stored = planBars([bar("11110", 100), bar("22220", 200)], [], { runId: "r0", at: "t0" }).toWrite;
    const plan = planBars(
      [bar("11110", 100), bar("22220", 205), bar("33330", 300), bar("44440", null), bar("33330", 301)],
      stored,
      { runId: "r1", at: "t1" },
    );
    expect(plan).toMatchObject({ inserted: 1, updated: 1, unchanged: 1, noTrades: 1, duplicates: 1 });
    expect(plan.toWrite.map((b) => [b.code, b.close, b.fetched_run])).toEqual([
      ["22220", 205, "r1"],
      ["33330", 301, "r1"], // the last of the duplicates wins
    ]);
  });
});

describe("jquants.daily_bars: a run", () => {
  const dayBars = [bar("13010", 3630), bar("72030", 2500), bar("86970", null), bar("99840", 8000)];

  it("a trading day: asks the calendar for that day, fetches its bars, writes the traded ones", async () => {
    const source = new FakeSource({ [DAY]: dayBars }, CALENDAR);
    const store = new MemoryBarStore();
    const ctx = ctxFor({ date: DAY });
    await syncDailyBars(ctx, { source, store });
    expect(source.calendarCalls).toEqual([{ from: DAY, to: DAY }]);
    expect(source.barCalls).toEqual([DAY]);
    expect(ctx.skipped).toBeNull();
    expect(ctx.stages).toEqual(["calendar", "fetch", "compare", "write"]);
    expect(ctx.counts).toMatchObject({ input: 4, inserted: 3, updated: 0, skipped: 1 });
    expect(ctx.counts.skipBreakdown).toEqual({ no_trades: 1 });
    expect([...store.items.keys()].sort()).toEqual([
      "13010#2026-11-27",
      "72030#2026-11-27",
      "99840#2026-11-27",
    ]);
    expect(store.items.get("72030#2026-11-27")).toMatchObject({ close: 2500, adj_close: 2500, volume: 1000 });
  });

  it("a re-run of the same day writes nothing and counts every bar unchanged; a changed bar is updated", async () => {
    const store = new MemoryBarStore();
    await syncDailyBars(ctxFor({ date: DAY }), {
      source: new FakeSource({ [DAY]: dayBars }, CALENDAR),
      store,
    });
    const again = ctxFor({ date: DAY });
    await syncDailyBars(again, { source: new FakeSource({ [DAY]: dayBars }, CALENDAR), store });
    expect(again.counts).toMatchObject({ input: 4, inserted: 0, updated: 0, skipped: 4 });
    expect(again.counts.skipBreakdown).toEqual({ unchanged: 3, no_trades: 1 });
    expect(store.putCalls).toEqual([3]);

    const split = dayBars.map((b) => (b.Code === "72030" ? { ...b, AdjC: 1250, AdjFactor: 0.5 } : b));
    const third = ctxFor({ date: DAY });
    await syncDailyBars(third, { source: new FakeSource({ [DAY]: split }, CALENDAR), store });
    expect(third.counts).toMatchObject({ inserted: 0, updated: 1 });
    expect(store.items.get("72030#2026-11-27")?.adj_close).toBe(1250);
  });

  it("a market holiday ends the run SKIPPED market_holiday without fetching bars or writing", async () => {
    const source = new FakeSource({ [HOLIDAY]: dayBars }, CALENDAR);
    const store = new MemoryBarStore();
    const ctx = ctxFor({ date: HOLIDAY });
    await syncDailyBars(ctx, { source, store });
    expect(ctx.skipped).toEqual({
      reason: "market_holiday",
      detail: "2026-11-23 is not a trading day (J-Quants calendar HolDiv 0)",
    });
    expect(source.barCalls).toEqual([]);
    expect(store.putCalls).toEqual([]);
    expect(ctx.stages).toEqual(["calendar"]);
  });

  it("without a date, the day is the JST date of ctx.scheduledFor (a fire at 18:30 JST), not of the clock", async () => {
    const source = new FakeSource({ [DAY]: dayBars, "2026-11-24": [bar("13010", 1)] }, CALENDAR);
    const ctx = ctxFor({}, "2026-11-24T09:30:00.000Z");
    await syncDailyBars(ctx, {
      source,
      store: new MemoryBarStore(),
      now: () => new Date("2026-11-27T10:00:00Z"),
    });
    expect(source.barCalls).toEqual(["2026-11-24"]);
    // An explicit date wins over the logical date.
    const explicit = ctxFor({ date: DAY }, "2026-11-24T09:30:00.000Z");
    const s2 = new FakeSource({ [DAY]: dayBars }, CALENDAR);
    await syncDailyBars(explicit, { source: s2, store: new MemoryBarStore() });
    expect(s2.barCalls).toEqual([DAY]);
  });

  it("codes limit the run (a 4-character code names its common stock); codes without a bar are reported", async () => {
    const store = new MemoryBarStore();
    const ctx = ctxFor({ date: DAY, codes: ["7203", "99840", "55550"] });
    await syncDailyBars(ctx, { source: new FakeSource({ [DAY]: dayBars }, CALENDAR), store });
    expect(ctx.counts).toMatchObject({ input: 2, inserted: 2 });
    expect([...store.items.keys()].sort()).toEqual(["72030#2026-11-27", "99840#2026-11-27"]);
    expect(ctx.lastItems().get("missing_codes")).toMatchObject({ current: 1 });
    expect(ctx.messageKeys()).toContain("codes_missing");
  });

  it("a dry run counts what it would write and writes nothing", async () => {
    const store = new MemoryBarStore();
    const ctx = ctxFor({ date: DAY, dry_run: true });
    await syncDailyBars(ctx, { source: new FakeSource({ [DAY]: dayBars }, CALENDAR), store });
    expect(ctx.counts).toMatchObject({ input: 4, inserted: 3 });
    expect(store.putCalls).toEqual([]);
    expect(ctx.messageKeys()).toContain("dry_run_write");
  });

  it("fails, saying why, when a trading day has no bars yet or the calendar does not know the day", async () => {
    await expect(
      syncDailyBars(ctxFor({ date: DAY }), {
        source: new FakeSource({}, CALENDAR),
        store: new MemoryBarStore(),
      }),
    ).rejects.toThrow(/no bars for trading day 2026-11-27: not published yet/);
    await expect(
      syncDailyBars(ctxFor({ date: "2030-01-04" }), {
        source: new FakeSource({}, CALENDAR),
        store: new MemoryBarStore(),
      }),
    ).rejects.toThrow(/calendar has no entry for 2030-01-04/);
  });
});

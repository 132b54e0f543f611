// Property: whatever a client sends to any route — random bodies, query strings, headers and path
// values, odd encodings, schedule expressions with extreme numbers, impossible or extreme dates —
// the answer is never a 5xx, the process keeps serving, every error has the spec's shape, and a
// refused schedule write saves nothing. Fixed seeds: the same cases on every run (≥ 2,000 in all).
import fc from "fast-check";
import { afterAll, beforeAll, expect, it } from "vitest";
import { ROUTES } from "#api/routes.ts";
import type { Schedule } from "#schemas/schedule.ts";
import { type Harness, startHarness } from "#test/helpers/harness.ts";

let h: Harness;
let admin: string;
beforeAll(async () => {
  h = await startHarness();
  admin = await h.token(["admin"], "fuzzer");
});
afterAll(async () => {
  await h?.stop();
});

type Answer = { status: number; text: string; body: any };

async function send(method: string, pathAndQuery: string, body?: string, contentType = "application/json") {
  const hasBody = body !== undefined && method !== "GET" && method !== "DELETE";
  const res = await fetch(`${h.url}${pathAndQuery}`, {
    method,
    headers: {
      authorization: `Bearer ${admin}`,
      ...(hasBody && contentType ? { "content-type": contentType } : {}),
    },
    body: hasBody ? body : undefined,
  });
  const text = await res.text();
  let parsed: unknown = null;
  try {
    parsed = text ? JSON.parse(text) : null;
  } catch {
    parsed = undefined;
  }
  return { status: res.status, text, body: parsed } as Answer;
}

/** Never a 5xx; an error is `{"error":{"code","message","details"?}}` with no stack trace in it. */
function expectWellFormed(a: Answer, what: string) {
  expect(a.status, `${what} → ${a.text.slice(0, 300)}`).toBeLessThan(500);
  if (a.status >= 400) {
    expect(a.body, `${what} → not JSON: ${a.text.slice(0, 200)}`).toBeTypeOf("object");
    expect(typeof a.body.error.code, what).toBe("string");
    expect(typeof a.body.error.message, what).toBe("string");
    if (a.body.error.details !== undefined && a.status === 400 && Array.isArray(a.body.error.details)) {
      for (const d of a.body.error.details) {
        expect(typeof d.field, what).toBe("string");
        expect(typeof d.message, what).toBe("string");
      }
    }
    expect(a.text, what).not.toMatch(/\n\s+at |Maximum call stack|RangeError|TypeError/);
  }
}

// ---------------------------------------------------------------------------------------------
// Generators

/** Path segments: plain strings (encoded), and raw odd or malformed percent-encodings. */
const rawSegment = fc.constantFrom(
  "%ZZ",
  "%",
  "%E3%81",
  "%C0%AF",
  "%FF%FE",
  "%00",
  "%2F",
  "%252F",
  "%2e%2e",
  "%uD800",
  "%F0%9F%98%80",
  "%ED%A0%80",
  "a%",
  "%%",
);
const segment = fc.oneof(
  fc.string({ maxLength: 40 }).map(encodeURIComponent),
  fc.string({ maxLength: 10, unit: "binary" }).map(encodeURIComponent),
  fc
    .constantFrom(
      "recap.pipeline",
      "7d4c2f0e-9a1b-4c3d-8e5f-0a1b2c3d4e5f",
      "..",
      "%E3%81%82",
      "a".repeat(300),
      "sfuzztarget",
    )
    .map((s) => s),
  rawSegment,
);

/** Impossible, extreme and ordinary date-like strings. */
const two = (n: number) => String(n).padStart(2, "0");
const dateish = fc.oneof(
  fc
    .record({
      year: fc.oneof(
        fc.constantFrom(0, 1, 99, 1969, 1970, 2025, 2199, 2200, 9999),
        fc.integer({ min: 0, max: 9999 }),
      ),
      month: fc.oneof(fc.integer({ min: 1, max: 12 }), fc.constantFrom(0, 13, 99)),
      day: fc.oneof(fc.integer({ min: 1, max: 28 }), fc.constantFrom(0, 29, 30, 31, 32, 99)),
      hour: fc.oneof(fc.integer({ min: 0, max: 23 }), fc.constantFrom(24, 25, 99)),
      minute: fc.oneof(fc.integer({ min: 0, max: 59 }), fc.constantFrom(60, 61, 99)),
      second: fc.oneof(fc.integer({ min: 0, max: 59 }), fc.constantFrom(60, 61)),
      frac: fc.constantFrom("", ".5", ".999", ".123456789"),
      zone: fc.constantFrom(
        "Z",
        "+09:00",
        "-12:00",
        "+14:00",
        "+0530",
        "+23:59",
        "-23:59",
        "+24:00",
        "-00:60",
        "+99:99",
      ),
    })
    .map(
      (d) =>
        `${String(d.year).padStart(4, "0")}-${two(d.month)}-${two(d.day)}T${two(d.hour)}:${two(d.minute)}:${two(d.second)}${d.frac}${d.zone}`,
    ),
  fc
    .date({
      min: new Date("0000-01-01T00:00:00Z"),
      max: new Date("9999-12-31T23:59:59Z"),
      noInvalidDate: true,
    })
    .map((d) => d.toISOString()),
  fc.constantFrom(
    "2025-02-30T00:00:00Z",
    "2024-02-29T12:00:00+09:00",
    "2100-02-29T00:00:00Z",
    "+275760-09-13T00:00:00Z",
    "-000001-01-01T00:00:00Z",
    "2025-01-01",
    "2025-01-01T00:00:00",
    "1e9",
    "",
  ),
  fc.string({ maxLength: 30 }),
);

/**
 * An independent oracle for "names a real instant": the fields must survive a round trip through
 * the calendar (Feb 30 rolls to March, 24:00 to the next day), and the instant must lie in
 * 0000-9999 UTC.
 */
function isRealInstant(s: string): boolean {
  const m =
    /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})(?::(\d{2})(\.\d{1,9})?)?(Z|([+-])(\d{2}):?(\d{2}))$/.exec(s);
  if (!m) return false;
  const n = (i: number) => Number(m[i] ?? 0);
  const d = new Date(0);
  d.setUTCFullYear(n(1), n(2) - 1, n(3));
  d.setUTCHours(n(4), n(5), n(6));
  const same =
    d.getUTCFullYear() === n(1) &&
    d.getUTCMonth() === n(2) - 1 &&
    d.getUTCDate() === n(3) &&
    d.getUTCHours() === n(4) &&
    d.getUTCMinutes() === n(5) &&
    d.getUTCSeconds() === n(6);
  const offset = m[8] === "Z" ? 0 : n(10) * 60 + n(11);
  const offsetReal = m[8] === "Z" || (n(10) < 24 && n(11) < 60);
  const t = d.getTime() - (m[9] === "-" ? -1 : 1) * offset * 60_000;
  return (
    same &&
    offsetReal &&
    t >= Date.parse("0000-01-01T00:00:00Z") &&
    t <= Date.parse("9999-12-31T23:59:59.999Z")
  );
}

/** Numbers as they end up in expressions: 0, negative, huge, floats, exponents, other digits. */
const numberText = fc.oneof(
  fc.constantFrom(
    "0",
    "-1",
    "-0",
    "1",
    "00001",
    "1.5",
    "1e10",
    "9999999999",
    "84006",
    "84007",
    "2016144",
    "2016145",
    "120968640",
    "120968641",
    "99999999999999999999",
    "NaN",
    "Infinity",
    "0x10",
    "١٢",
    "１２",
  ),
  fc.integer({ min: -1000, max: 200_000_000 }).map(String),
  fc.double({ noNaN: false }).map(String),
  fc.bigInt({ min: 0n, max: 10n ** 30n }).map(String),
);
const rateExpr = fc
  .tuple(
    numberText,
    fc.constantFrom("minute", "minutes", "hour", "hours", "day", "days", "seconds", "weeks", "Days", ""),
  )
  .map(([v, u]) => `rate(${v} ${u})`);
const field = (plain: fc.Arbitrary<number>) =>
  fc.oneof(
    plain.map(String),
    fc.constantFrom("*", "?", "-1", "*/0", "0/99999", "1e3", "L", "LW", "31W", "5#6", "2#1", "1-99999"),
    numberText,
  );
const yearField = fc.oneof(
  fc.constantFrom(
    "*",
    "0",
    "0000",
    "1969",
    "1970",
    "2199",
    "2200",
    "9999",
    "99999",
    "1970-2199",
    "2199-1970",
  ),
  fc.constantFrom("2025/0", "2025/999999", "*/230", "-1", "1e4", "2199,2200"),
  fc.integer({ min: -10, max: 100_000 }).map(String),
);
const cronExpr = fc
  .tuple(
    field(fc.integer({ min: 0, max: 61 })),
    field(fc.integer({ min: 0, max: 25 })),
    field(fc.integer({ min: 0, max: 32 })),
    field(fc.integer({ min: 0, max: 13 })),
    fc.constantFrom("?", "*", "MON-FRI", "0", "8", "2#5", "6L"),
    yearField,
  )
  .map((f) => `cron(${f.join(" ")})`);
const atExpr = fc
  .record({
    year: fc.oneof(fc.constantFrom(0, 1969, 1970, 2025, 2199, 2200, 9999), fc.integer({ min: 0, max: 9999 })),
    month: fc.integer({ min: 0, max: 13 }),
    day: fc.integer({ min: 0, max: 32 }),
    hour: fc.integer({ min: 0, max: 25 }),
    minute: fc.integer({ min: 0, max: 61 }),
  })
  .map(
    (d) =>
      `at(${String(d.year).padStart(4, "0")}-${two(d.month)}-${two(d.day)}T${two(d.hour)}:${two(d.minute)}:00)`,
  );
/** In bounds, near the bounds: the largest step of each unit, 1970 and 2199. */
const validRate = fc
  .constantFrom(["minute", 120_968_640], ["hour", 2_016_144], ["day", 84_006] as const)
  .chain(([u, max]) =>
    fc
      .oneof(fc.integer({ min: 1, max: Number(max) }), fc.constantFrom(1, 2, Number(max), Number(max) + 1))
      .map((v) => `rate(${v} ${u}${v === 1 ? "" : "s"})`),
  );
const validCron = fc
  .tuple(
    fc.constantFrom("0", "59", "*/15", "0/5", "1-59/29", "*"),
    fc.constantFrom("0", "23", "*", "9-17", "0/6"),
    fc.constantFrom(
      ["*", "?"],
      ["1", "?"],
      ["L", "?"],
      ["31", "?"],
      ["?", "MON-FRI"],
      ["?", "2#5"],
      ["?", "6L"],
    ),
    fc.constantFrom("*", "2", "JAN,DEC", "1-12/3"),
    fc.oneof(
      fc.constantFrom("*", "1970", "2199", "1970-2199", "2199", "*/229", "2025/50"),
      fc.integer({ min: 1970, max: 2199 }).map(String),
    ),
  )
  .map(([mi, h, [dom, dow], mo, y]) => `cron(${mi} ${h} ${dom} ${mo} ${dow} ${y})`);
const expression = fc.oneof(
  { weight: 3, arbitrary: validRate },
  { weight: 2, arbitrary: rateExpr },
  { weight: 3, arbitrary: validCron },
  { weight: 2, arbitrary: cronExpr },
  { weight: 2, arbitrary: atExpr },
  { weight: 1, arbitrary: fc.string({ maxLength: 40 }) },
  {
    weight: 1,
    arbitrary: fc.constantFrom(
      "0 9 * * 1-5",
      "*/0 * * * *",
      "0 0 31 2 *",
      "rate(1 minute)",
      "cron(0 0 1 1 ? 2199)",
    ),
  },
);
const timezone = fc.option(
  fc.oneof(
    {
      weight: 5,
      arbitrary: fc.constantFrom("UTC", "Asia/Tokyo", "Pacific/Kiritimati", "Etc/GMT+12", "America/New_York"),
    },
    { weight: 1, arbitrary: fc.constantFrom("Mars/Base", "", "+09:00") },
  ),
  { nil: undefined },
);
/** Real instants within EventBridge's years, written with an offset or Z. */
const realDate = fc
  .date({ min: new Date("1970-01-01T00:00:00Z"), max: new Date("2199-12-31T00:00:00Z"), noInvalidDate: true })
  .map((d) => d.toISOString());
/** Mostly absent or real, so that the expression decides; sometimes null, impossible or extreme. */
const optionalDate = fc.oneof(
  { weight: 6, arbitrary: fc.constant(undefined) },
  { weight: 1, arbitrary: fc.constant(null) },
  { weight: 2, arbitrary: realDate },
  { weight: 2, arbitrary: dateish },
);

// ---------------------------------------------------------------------------------------------
// 1. Any route, any input (incl. odd encodings and over-deep JSON)

const queryValue = fc.oneof(
  fc.string({ maxLength: 30 }),
  dateish,
  fc.constantFrom("100", "0", "-1", "1e9", "SUCCESS,FAILURE", "true", "24h", "[]"),
);
const queryKey = fc.constantFrom(
  "limit",
  "cursor",
  "status",
  "job_name",
  "started_after",
  "started_before",
  "since",
  "until",
  "window",
  "enabled",
  "tag",
  "x",
);
/** A query string: well-formed, or raw with malformed escapes, bare keys and repeats. */
const queryString = fc.oneof(
  fc.array(fc.tuple(queryKey, queryValue), { maxLength: 4 }).map((q) => new URLSearchParams(q).toString()),
  fc
    .array(
      fc.oneof(
        fc.tuple(queryKey, rawSegment).map(([k, v]) => `${k}=${v}`),
        rawSegment.map((k) => `${k}=1`),
        fc.constantFrom(
          "limit=1&limit=2",
          "&&",
          "=",
          "limit",
          "limit=",
          "=v",
          "a+b=c+d",
          "%E3%81%82=%E3%81%82",
        ),
      ),
      { maxLength: 3 },
    )
    .map((parts) => parts.join("&")),
);
/** Nested arrays or objects thousands deep (the deepest objects are over 64 KiB: 413). */
const deepJson = fc
  .constantFrom(100, 1_000, 5_000, 20_000)
  .chain((n) => fc.constantFrom("[".repeat(n) + "]".repeat(n), `${'{"a":'.repeat(n)}1${"}".repeat(n)}`));
const anyBody = fc.oneof(
  fc.json({ maxDepth: 3 }),
  fc.string({ maxLength: 200 }),
  deepJson,
  fc.constantFrom(
    "",
    "{",
    "null",
    "[]",
    '{"__proto__":{"a":1}}',
    '{"job_name":"recap.pipeline","options":{"constructor":{}}}',
  ),
  fc
    .record({
      job_name: fc.oneof(fc.string(), fc.constantFrom("recap.pipeline", "test.slow")),
      options: fc.dictionary(fc.string({ maxLength: 10 }), fc.jsonValue({ maxDepth: 2 })),
      schedule_expression: fc.oneof(fc.string(), expression),
      timezone: fc.oneof(fc.string(), fc.constantFrom("Asia/Tokyo", "Mars/Base")),
      start_date: fc.oneof(dateish, fc.constant(null)),
      enabled: fc.oneof(fc.boolean(), fc.string()),
      paused: fc.oneof(fc.boolean(), fc.integer()),
      count: fc.oneof(fc.integer(), fc.double()),
      from: dateish,
    })
    .map((o) => JSON.stringify(o)),
);
const contentType = fc.constantFrom(
  "application/json",
  "application/json; charset=utf-8",
  "text/plain",
  "application/x-www-form-urlencoded",
  "",
);

it("no route answers 5xx to random input, odd encodings or over-deep JSON, and every error has the spec's shape", async () => {
  const request = fc.record({
    route: fc.constantFrom(...ROUTES),
    params: fc.array(segment, { minLength: 3, maxLength: 3 }),
    qs: queryString,
    body: anyBody,
    contentType,
    method: fc.option(fc.constantFrom("GET", "POST", "PUT", "PATCH", "DELETE"), { nil: undefined }),
  });
  await fc.assert(
    fc.asyncProperty(request, async (r) => {
      let i = 0;
      const path = r.route.path.replace(/\{\w+\}/g, () => r.params[i++] ?? "");
      const method = r.method ?? r.route.method;
      const a = await send(method, `${path}${r.qs ? `?${r.qs}` : ""}`, r.body, r.contentType);
      expectWellFormed(a, `${method} ${path}?${r.qs} ${r.body.slice(0, 80)}`);
    }),
    { numRuns: 700, seed: 20261123 },
  );
  expect((await fetch(`${h.url}/healthz`)).status).toBe(200);
});

// ---------------------------------------------------------------------------------------------
// 2. Schedule writes and previews with extreme expressions and dates

/** The store itself, not an answer: what a refused write must have left untouched. */
const snapshot = async () =>
  JSON.stringify(
    (await h.stack.deps.schedules.list()).map((s) => ({ ...s })).sort((a, b) => a.id.localeCompare(b.id)),
  );

function expectFireTimesReal(
  s: { next_fire_times: string[]; expression_error: string | null },
  what: string,
) {
  expect(s.expression_error, what).toBeNull();
  for (const t of s.next_fire_times) {
    expect(t, what).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{3})?[+-]\d{2}:\d{2}$/);
    const year = new Date(t).getUTCFullYear();
    expect(year >= 1969 && year <= 2200, `${what}: ${t}`).toBe(true);
  }
}

it("schedule create, replace, patch and preview with extreme expressions and dates: never 5xx, and a 400 saves nothing", async () => {
  const target = await h.admin("POST", "/v1/schedules", {
    name: "fuzz-target",
    job_name: "test.slow",
    schedule_expression: "rate(5 minutes)",
    params: { ms: 0 },
  });
  expect(target.status).toBe(201);
  const id = target.body.id as string;
  const write = fc.record({
    op: fc.constantFrom("POST", "PUT", "PATCH", "PREVIEW"),
    schedule_expression: expression,
    timezone,
    start_date: optionalDate,
    end_date: optionalDate,
    from: optionalDate,
    count: fc.oneof(
      { weight: 4, arbitrary: fc.constant(undefined) },
      { weight: 2, arbitrary: fc.integer({ min: 1, max: 50 }) },
      { weight: 1, arbitrary: fc.constantFrom(0, 51, -1, 1.5, 1e9) },
    ),
    enabled: fc.option(fc.boolean(), { nil: undefined }),
  });
  await fc.assert(
    fc.asyncProperty(write, async (w) => {
      const fields = {
        schedule_expression: w.schedule_expression,
        timezone: w.timezone,
        start_date: w.start_date,
        end_date: w.end_date,
      };
      if (w.op === "PREVIEW") {
        const body = JSON.stringify({ ...fields, from: w.from, count: w.count });
        const a = await send("POST", "/v1/schedules/preview", body);
        expectWellFormed(a, `preview ${body}`);
        // The request schema refuses only malformed fields; an invalid expression is valid:false.
        if (a.status === 200 && a.body.valid)
          expectFireTimesReal({ ...a.body, expression_error: null }, body);
        if (a.status === 200 && !a.body.valid) expect(a.body.message, body).toEqual(expect.any(String));
        return;
      }
      const before = await snapshot();
      const body = JSON.stringify(
        w.op === "PATCH"
          ? { ...fields, enabled: w.enabled }
          : { job_name: "test.slow", params: { ms: 0 }, enabled: w.enabled ?? false, ...fields },
      );
      const path = w.op === "POST" ? "/v1/schedules" : `/v1/schedules/${id}`;
      const a = await send(w.op, path, body);
      const what = `${w.op} ${body}`;
      expectWellFormed(a, what);
      if (a.status >= 400) {
        expect(await snapshot(), `${what}: refused but the store changed`).toBe(before);
        return;
      }
      expectFireTimesReal(a.body, what);
      // Every answer that lists schedules still answers.
      for (const p of ["/v1/schedules", "/v1/jobs/test.slow", "/v1/scheduler/status"])
        expectWellFormed(await send("GET", p), `${p} after ${what}`);
      if (w.op === "POST") expect((await send("DELETE", `/v1/schedules/${a.body.id}`)).status).toBe(204);
    }),
    { numRuns: 700, seed: 20261124 },
  );
  const list = await h.admin("GET", "/v1/schedules");
  expect(list.status).toBe(200);
  for (const s of list.body.results as Array<
    Schedule & { next_fire_times: string[]; expression_error: string | null }
  >)
    expectFireTimesReal(s, s.schedule_expression);
});

// ---------------------------------------------------------------------------------------------
// 3. Dates in query strings

it("impossible or extreme dates in started_after/started_before and since/until: 400 naming the field exactly when the date does not exist", async () => {
  const query = fc.record({
    path: fc.constantFrom("/v1/runs", "/v1/audit"),
    lo: fc.option(dateish, { nil: undefined }),
    hi: fc.option(dateish, { nil: undefined }),
  });
  await fc.assert(
    fc.asyncProperty(query, async (q) => {
      const [loKey, hiKey] = q.path === "/v1/runs" ? ["started_after", "started_before"] : ["since", "until"];
      const params = new URLSearchParams();
      if (q.lo !== undefined) params.set(loKey as string, q.lo);
      if (q.hi !== undefined) params.set(hiKey as string, q.hi);
      const a = await send("GET", `${q.path}?${params}`);
      const what = `GET ${q.path}?${params}`;
      expectWellFormed(a, what);
      const unreal = [
        [loKey, q.lo],
        [hiKey, q.hi],
      ].filter(([, v]) => v !== undefined && !isRealInstant(v as string));
      const named =
        a.status === 400 ? (a.body.error.details ?? []).map((d: { field: string }) => d.field) : [];
      if (unreal.length) {
        expect(a.status, what).toBe(400);
        for (const [k] of unreal) expect(named, what).toContain(k);
      } else {
        // Real dates are read, never refused as dates (a reversed range may still be a 400).
        for (const k of [loKey, hiKey])
          for (const d of a.status === 400 ? a.body.error.details : [])
            if (d.field === k) expect(d.message, what).not.toMatch(/does not exist|ISO 8601|years 0000-9999/);
      }
    }),
    { numRuns: 700, seed: 20261125 },
  );
});

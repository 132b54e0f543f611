// The admin page's logic that needs no browser: params checks from a job's JSON Schema, the
// daily-time editing, times in the display zone, the string tables and the token reading.
import { describe, expect, it } from "vitest";
import { RUN_STATUSES, STAGE_STATUSES, TRIGGER_SOURCES } from "#schemas/run.ts";
import { EXECUTION_POLICIES } from "#schemas/schedule.ts";
import { sessionFromToken } from "#web/auth.ts";
import { dailyExpression, dailyTime } from "#web/daily-schedule.ts";
import { dateInputToInstant, fmtDuration, fmtRelative, startOfDay, tzLabel } from "#web/format.ts";
import { type MessageKey, translator } from "#web/i18n.ts";
import { en } from "#web/messages/en.ts";
import { ja } from "#web/messages/ja.ts";
import { toRaw, validateParams } from "#web/params-validation.ts";

const t = translator("ja");
const RECAP = {
  type: "object",
  properties: {
    genres: { type: "array", minItems: 1, items: { type: "string", enum: ["economy", "tech"] } },
    max_per_genre: { type: "integer", minimum: 1, maximum: 20, default: 5 },
    ratio: { type: "number", exclusiveMinimum: 0 },
    source: { type: "string", enum: ["fixture"], default: "fixture" },
    code: { type: "string", pattern: "^[0-9]{4}$" },
    dry_run: { type: "boolean", default: false },
    name: { type: "string" },
  },
  required: ["name"],
};

describe("params checks from the JSON Schema", () => {
  it("turns valid inputs into typed params and leaves empty ones to the job's defaults", () => {
    const r = validateParams(
      RECAP,
      {
        genres: ["tech"],
        max_per_genre: "7",
        ratio: "0.5",
        code: "7203",
        dry_run: true,
        name: "x",
        source: "",
      },
      t,
    );
    expect(r.errors).toEqual({});
    expect(r.params).toEqual({
      genres: ["tech"],
      max_per_genre: 7,
      ratio: 0.5,
      code: "7203",
      dry_run: true,
      name: "x",
    });
  });

  it("gives one message per invalid field, in the page's language", () => {
    const r = validateParams(
      RECAP,
      { genres: [], max_per_genre: "99", ratio: "0", code: "72a3", source: "live" },
      t,
    );
    expect(r.errors).toEqual({
      genres: "1 個以上選んでください",
      max_per_genre: "20 以下にしてください",
      ratio: "0 より大きくしてください",
      code: "形式が正しくありません (^[0-9]{4}$)",
      source: "選択肢から選んでください",
      name: "入力してください",
    });
    expect(validateParams(RECAP, { name: "x", max_per_genre: "2.5" }, translator("en")).errors).toEqual({
      max_per_genre: "Enter a whole number",
    });
    expect(validateParams(RECAP, { name: "x", max_per_genre: "1e3" }, t).errors.max_per_genre).toBe(
      "数値を入力してください",
    );
  });

  it("reads stored params back into inputs (editing a schedule)", () => {
    expect(toRaw(RECAP, { genres: ["economy"], max_per_genre: 3, dry_run: true, unknown: 1 })).toEqual({
      genres: ["economy"],
      max_per_genre: "3",
      dry_run: true,
    });
  });
});

describe("daily schedules", () => {
  it("reads HH:MM from a plain daily cron and writes it back", () => {
    expect(dailyTime("cron(30 11 * * ? *)")).toBe("11:30");
    expect(dailyTime("cron(5 9 * * ? *)")).toBe("09:05");
    expect(dailyTime("cron(0/30 * * * ? *)")).toBeNull();
    expect(dailyTime("cron(30 11 ? * MON-FRI *)")).toBeNull();
    expect(dailyTime("cron(61 11 * * ? *)")).toBeNull();
    expect(dailyExpression("06:15")).toBe("cron(15 6 * * ? *)");
    expect(dailyExpression("24:00")).toBeNull();
    expect(dailyExpression("6:15")).toBeNull();
  });
});

describe("times in the display zone", () => {
  const now = Date.parse("2026-11-23T16:30:00Z"); // 2026-11-24 01:30 JST
  it("starts days at midnight JST whatever the machine's zone", () => {
    expect(startOfDay("Asia/Tokyo", 0, now)).toBe("2026-11-23T15:00:00.000Z");
    expect(startOfDay("Asia/Tokyo", 6, now)).toBe("2026-11-17T15:00:00.000Z");
    expect(dateInputToInstant("2026-11-24", "Asia/Tokyo")).toBe("2026-11-23T15:00:00.000Z");
    expect(dateInputToInstant("2026-11-24", "Asia/Tokyo", true)).toBe("2026-11-24T15:00:00.000Z");
    expect(dateInputToInstant("24/11/2026", "Asia/Tokyo")).toBeNull();
    // A zone with DST: midnight of a summer day in Berlin is 22:00 UTC.
    expect(dateInputToInstant("2026-07-01", "Europe/Berlin")).toBe("2026-06-30T22:00:00.000Z");
  });
  it("labels, durations and relative times", () => {
    expect(tzLabel("Asia/Tokyo")).toBe("JST");
    expect(fmtDuration(83.4, "ja")).toBe("1 分 23 秒");
    expect(fmtDuration(83.4, "en")).toBe("1m 23s");
    expect(fmtDuration(4.26, "ja")).toBe("4.3 秒");
    expect(fmtDuration(3 * 3600 + 120, "en")).toBe("3h 2m");
    expect(fmtDuration(null, "en")).toBe("—");
    expect(fmtRelative("2026-11-23T16:27:00Z", "ja", now)).toBe("3 分前");
    expect(fmtRelative("2026-11-24T02:30:00Z", "en", now)).toBe("in 10 hours");
  });
});

describe("string tables", () => {
  it("every computed key exists in both languages", () => {
    const computed = [
      ...RUN_STATUSES.map((s) => `status_${s}`),
      ...STAGE_STATUSES.map((s) => `stage_${s}`),
      ...TRIGGER_SOURCES.map((s) => `trigger_${s}`),
      ...EXECUTION_POLICIES.flatMap((p) => [`policy_${p}`, `policy_hint_${p}`]),
      ...["1h", "24h", "7d", "30d"].map((w) => `window_${w}`),
      ...["today", "7d", "30d", "all", "custom"].map((p) => `period_${p}`),
    ];
    for (const key of computed) {
      expect(ja, key).toHaveProperty(key);
      expect(en, key).toHaveProperty(key);
    }
  });
  it("both languages have the same keys, no empty string, and the same {placeholders}", () => {
    expect(Object.keys(en).sort()).toEqual(Object.keys(ja).sort());
    for (const key of Object.keys(ja) as MessageKey[]) {
      expect(ja[key].trim(), key).not.toBe("");
      expect(en[key].trim(), key).not.toBe("");
      const holes = (s: string) => (s.match(/\{\w+\}/g) ?? []).sort();
      expect(holes(en[key]), key).toEqual(holes(ja[key]));
    }
    expect(t("v_maximum", { n: 20 })).toBe("20 以下にしてください");
    expect(t("nope" as MessageKey)).toBe("[[nope]]");
  });
});

describe("token reading (labels only; the API verifies)", () => {
  const jwt = (claims: object) => `x.${Buffer.from(JSON.stringify(claims)).toString("base64url")}.sig`;
  it("takes the user and the role from the ID token's claims", () => {
    const s = sessionFromToken(
      jwt({ sub: "u1", email: "ops@example.test", "cognito:groups": ["admin"], exp: 2e9 }),
      "r",
    );
    expect(s).toMatchObject({ user: "ops@example.test", role: "admin", expiresAt: 2e12, refreshToken: "r" });
    expect(sessionFromToken(jwt({ sub: "u2", "cognito:groups": ["viewer"] }), null)?.role).toBe("viewer");
    expect(sessionFromToken(jwt({ sub: "u3" }), null)?.role).toBe("viewer");
    expect(sessionFromToken("not-a-jwt", null)).toBeNull();
  });
});

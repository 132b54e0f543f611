// Times are shown in the display time zone (config), with its label, and with a relative time
// beside them ("3 分前"), whatever the browser's own zone is.
// The offset arithmetic is the API's own (functions/domain/time.ts: no imports, runs in browsers too).
import { offsetMinutes } from "#domain/time.ts";
import type { Lang } from "./i18n.ts";

const dtf = new Map<string, Intl.DateTimeFormat>();
function formatter(tz: string, withSeconds: boolean): Intl.DateTimeFormat {
  const key = `${tz}|${withSeconds}`;
  let f = dtf.get(key);
  if (!f) {
    f = new Intl.DateTimeFormat("ja-JP", {
      timeZone: tz,
      year: "numeric",
      month: "2-digit",
      day: "2-digit",
      hour: "2-digit",
      minute: "2-digit",
      second: withSeconds ? "2-digit" : undefined,
      hourCycle: "h23",
    });
    dtf.set(key, f);
  }
  return f;
}

/** "2026/11/24 11:30:05" in the display zone (the same digits in both languages). */
export function fmtDateTime(iso: string | null | undefined, tz: string, withSeconds = true): string {
  if (!iso) return "—";
  const d = new Date(iso);
  return Number.isNaN(d.getTime()) ? iso : formatter(tz, withSeconds).format(d);
}

const KNOWN_LABELS: Record<string, string> = { "Asia/Tokyo": "JST", UTC: "UTC", "Etc/UTC": "UTC" };
/** "JST" for Asia/Tokyo; otherwise the zone's short name ("GMT+1", "EST"). */
export function tzLabel(tz: string): string {
  const known = KNOWN_LABELS[tz];
  if (known) return known;
  const part = new Intl.DateTimeFormat("en-US", { timeZone: tz, timeZoneName: "short" })
    .formatToParts(new Date())
    .find((p) => p.type === "timeZoneName");
  return part?.value ?? tz;
}

/**
 * How far the server's clock runs ahead of the browser's, as learnt so far: an event that has
 * happened (`iso`, stamped by the server) later than the browser's `browserNow` shows the server is
 * at least that far ahead. Never shrinks (a slow browser clock stays slow); never negative.
 */
export function serverSkew(prevMs: number, iso: string | null | undefined, browserNow: number): number {
  const t = iso ? Date.parse(iso) : Number.NaN;
  if (Number.isNaN(t)) return Math.max(0, prevMs);
  return Math.max(0, prevMs, t - browserNow);
}

/** Whether a time `iso` old at `now` shows seconds (under a minute, either way): its clock ticks every second. */
export function relativeInSeconds(iso: string | null | undefined, now: number): boolean {
  const t = iso ? Date.parse(iso) : Number.NaN;
  return !Number.isNaN(t) && Math.abs(now - t) < 60_000;
}

const rtf = new Map<Lang, Intl.RelativeTimeFormat>();
/**
 * "3 分前" / "3 minutes ago" / "in 2 hours", against `now` (the page's one clock, so two times keep
 * their order and difference). `past`: an event that has happened never reads as future (a clock
 * skew the page has not learnt yet reads "now", the clamp is the last resort, not the measure).
 */
export function fmtRelative(
  iso: string | null | undefined,
  lang: Lang,
  now = Date.now(),
  past = false,
): string {
  if (!iso) return "";
  const parsed = Date.parse(iso);
  if (Number.isNaN(parsed)) return "";
  const t = past ? Math.min(parsed, now) : parsed;
  let f = rtf.get(lang);
  if (!f) {
    f = new Intl.RelativeTimeFormat(lang, { numeric: "auto" });
    rtf.set(lang, f);
  }
  const s = Math.round((t - now) / 1000);
  const a = Math.abs(s);
  if (a < 45) return f.format(s, "second");
  if (a < 45 * 60) return f.format(Math.round(s / 60), "minute");
  if (a < 22 * 3600) return f.format(Math.round(s / 3600), "hour");
  if (a < 26 * 86400) return f.format(Math.round(s / 86400), "day");
  return f.format(Math.round(s / (30 * 86400)), "month");
}

/** 83.4 → "1 分 23 秒" / "1m 23s"; under 10 s keeps one decimal. */
export function fmtDuration(seconds: number | null | undefined, lang: Lang): string {
  if (seconds == null || Number.isNaN(seconds)) return "—";
  const ja = lang === "ja";
  if (seconds < 60) {
    const v = seconds < 10 ? seconds.toFixed(1) : String(Math.round(seconds));
    return ja ? `${v} 秒` : `${v}s`;
  }
  const total = Math.round(seconds);
  const h = Math.floor(total / 3600);
  const m = Math.floor((total % 3600) / 60);
  const s = total % 60;
  if (h > 0) return ja ? `${h} 時間 ${m} 分` : `${h}h ${m}m`;
  return ja ? `${m} 分 ${s} 秒` : `${m}m ${s}s`;
}

const nf = new Intl.NumberFormat("ja-JP");
export const fmtNumber = (n: number | null | undefined): string => (n == null ? "—" : nf.format(n));

export const fmtPercent = (r: number | null | undefined): string =>
  r == null ? "—" : `${(r * 100).toFixed(r >= 0.999 || r === 0 ? 0 : 1)}%`;

/** Midnight (start of day) in `tz`, `daysAgo` days before today, as an ISO instant. */
export function startOfDay(tz: string, daysAgo = 0, now = Date.now()): string {
  const local = now + offsetMinutes(new Date(now), tz) * 60000;
  const d = new Date(local);
  const midnightLocal = Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), d.getUTCDate() - daysAgo);
  return new Date(midnightLocal - offsetMinutes(new Date(midnightLocal), tz) * 60000).toISOString();
}

/** "2026-11-24" (a date input's value) at 00:00 in `tz`, as an ISO instant; null if malformed. */
export function dateInputToInstant(value: string, tz: string, endOfDay = false): string | null {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(value);
  if (!m) return null;
  const local = Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3]) + (endOfDay ? 1 : 0));
  return new Date(local - offsetMinutes(new Date(local), tz) * 60000).toISOString();
}

/** Issue 16: a cost in USD, small figures with enough digits to tell runs apart ($0.00014). */
export function fmtUsd(usd: number | null | undefined): string {
  if (usd == null) return "—";
  if (usd === 0) return "$0";
  return usd >= 0.01 ? `$${usd.toFixed(2)}` : `$${usd.toPrecision(2)}`;
}

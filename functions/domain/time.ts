// Times are stored in UTC and shown with the offset of the display time zone (spec/api.md "Times").

const formatters = new Map<string, Intl.DateTimeFormat>();

function formatter(timeZone: string): Intl.DateTimeFormat {
  let f = formatters.get(timeZone);
  if (!f) {
    f = new Intl.DateTimeFormat("en-US", {
      timeZone,
      hourCycle: "h23",
      year: "numeric",
      month: "2-digit",
      day: "2-digit",
      hour: "2-digit",
      minute: "2-digit",
      second: "2-digit",
    });
    formatters.set(timeZone, f);
  }
  return f;
}

export function isValidTimeZone(timeZone: string): boolean {
  try {
    formatter(timeZone);
    return true;
  } catch {
    return false;
  }
}

/**
 * The zone's name as the time zone database spells it ("asia/tokyo" → "Asia/Tokyo"): what is
 * stored, shown and sent to EventBridge is one spelling. An unknown zone comes back unchanged.
 */
export function canonicalTimeZone(timeZone: string): string {
  try {
    const resolved = new Intl.DateTimeFormat("en-US", { timeZone }).resolvedOptions().timeZone;
    // Only the spelling: ICU also maps links to other zones (EST → America/Panama), not wanted here.
    return resolved.toLowerCase() === timeZone.toLowerCase() ? resolved : timeZone;
  } catch {
    return timeZone;
  }
}

/** Wall-clock fields of `date` in `timeZone`. */
export function wallClock(date: Date, timeZone: string) {
  const parts: Record<string, string> = {};
  for (const p of formatter(timeZone).formatToParts(date)) parts[p.type] = p.value;
  return {
    year: Number(parts.year),
    month: Number(parts.month),
    day: Number(parts.day),
    hour: Number(parts.hour),
    minute: Number(parts.minute),
    second: Number(parts.second),
  };
}

/** Offset of `timeZone` from UTC at `date`, in minutes (e.g. +540 for Asia/Tokyo). */
export function offsetMinutes(date: Date, timeZone: string): number {
  const w = wallClock(date, timeZone);
  const asUtc = Date.UTC(w.year, w.month - 1, w.day, w.hour, w.minute, w.second);
  return Math.round((asUtc - Math.floor(date.getTime() / 1000) * 1000) / 60000);
}

const pad = (n: number, len = 2) => String(Math.abs(n)).padStart(len, "0");

/** `2025-10-30T22:05:12+09:00` (milliseconds kept when present). */
export function toDisplayTime(iso: string, timeZone: string): string {
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return iso;
  const w = wallClock(date, timeZone);
  const off = offsetMinutes(date, timeZone);
  const ms = date.getUTCMilliseconds();
  const sign = off < 0 ? "-" : "+";
  return (
    `${pad(w.year, 4)}-${pad(w.month)}-${pad(w.day)}T${pad(w.hour)}:${pad(w.minute)}:${pad(w.second)}` +
    `${ms ? `.${pad(ms, 3)}` : ""}${sign}${pad(Math.trunc(Math.abs(off) / 60))}:${pad(Math.abs(off) % 60)}`
  );
}

export function toUtcIso(input: string): string {
  return new Date(input).toISOString();
}

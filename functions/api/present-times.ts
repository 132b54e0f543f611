// Answer bodies as spec/api.md "Times" shows them: every stored UTC instant rendered with the
// display time zone's offset, opaque job parameters left alone.
import { toDisplayTime } from "#domain/time.ts";

/** Keys whose string values are instants: every one is answered with the display offset. */
const TIME_KEY = /(_at|_for|_date|_time)$|^(at|since|until)$/;
const OPAQUE_KEYS = new Set(["params", "parameter_schema", "options"]);

/** Renders stored UTC instants with the display time zone's offset (spec/api.md "Times"). */
export function presentTimes(value: unknown, timeZone: string, key = ""): unknown {
  if (typeof value === "string") return TIME_KEY.test(key) ? toDisplayTime(value, timeZone) : value;
  if (Array.isArray(value)) {
    return key === "next_fire_times"
      ? value.map((v) => (typeof v === "string" ? toDisplayTime(v, timeZone) : v))
      : value.map((v) => presentTimes(v, timeZone));
  }
  if (value && typeof value === "object") {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value))
      out[k] = OPAQUE_KEYS.has(k) ? v : presentTimes(v, timeZone, k);
    return out;
  }
  return value;
}

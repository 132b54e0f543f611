// A point in time: absolute in the display zone with its label, and relative beside it.
import { useApp } from "../app-context.ts";
import { fmtDateTime, fmtRelative, tzLabel } from "../format.ts";
import { useNow } from "../hooks.ts";

/** Absolute time in the display zone with its label, and the relative time beside it. */
export function When({
  iso,
  withSeconds = true,
  compact = false,
  past = false,
}: {
  iso: string | null | undefined;
  withSeconds?: boolean;
  compact?: boolean;
  /** An event that has happened: never "in 5 s" (the server's clock may run ahead of the browser's). */
  past?: boolean;
}) {
  const { tz, lang } = useApp();
  const tick = useNow();
  if (!iso) return <span class="muted">—</span>;
  const now = past ? Math.max(tick, Date.parse(iso) || tick) : tick;
  const abs = `${fmtDateTime(iso, tz, withSeconds)} ${tzLabel(tz)}`;
  return (
    <time dateTime={iso} title={abs} class="when">
      <span>{compact ? fmtDateTime(iso, tz, withSeconds).slice(5) : abs}</span>{" "}
      <span class="rel">({fmtRelative(iso, lang, now)})</span>
    </time>
  );
}

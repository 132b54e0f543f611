// A point in time: absolute in the display zone with its label, and relative beside it.
import { useApp } from "../app-context.ts";
import { fmtDateTime, fmtRelative, relativeInSeconds, tzLabel } from "../format.ts";
import { notePast, useClock } from "../hooks.ts";

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
  // A past event later than the browser's clock moves the page's one clock on (the server runs
  // ahead): every time on the page then reads against the same now, keeping order and difference.
  if (past) notePast(iso);
  // Re-rendered when the text changes; the clock ticks every second while it is under a minute old.
  const rel = useClock(
    (now) => fmtRelative(iso, lang, now, past),
    (now) => relativeInSeconds(iso, now),
  );
  if (!iso) return <span class="muted">—</span>;
  const abs = `${fmtDateTime(iso, tz, withSeconds)} ${tzLabel(tz)}`;
  return (
    <time dateTime={iso} title={abs} class="when">
      <span>{compact ? fmtDateTime(iso, tz, withSeconds).slice(5) : abs}</span>{" "}
      <span class="rel">({rel})</span>
    </time>
  );
}

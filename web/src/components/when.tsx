// A point in time: absolute in the display zone with its label, and relative beside it.
import { useApp } from "../app-context.ts";
import { fmtDateTime, fmtRelative, tzLabel } from "../format.ts";
import { useNow } from "../hooks.ts";

/** Absolute time in the display zone with its label, and the relative time beside it. */
export function When({
  iso,
  withSeconds = true,
  compact = false,
}: {
  iso: string | null | undefined;
  withSeconds?: boolean;
  compact?: boolean;
}) {
  const { tz, lang } = useApp();
  const now = useNow();
  if (!iso) return <span class="muted">—</span>;
  const abs = `${fmtDateTime(iso, tz, withSeconds)} ${tzLabel(tz)}`;
  return (
    <time dateTime={iso} title={abs} class="when">
      <span>{compact ? fmtDateTime(iso, tz, withSeconds).slice(5) : abs}</span>{" "}
      <span class="rel">({fmtRelative(iso, lang, now)})</span>
    </time>
  );
}

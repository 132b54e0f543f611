// 予定カレンダー (issue 16 part 1): every fire of every schedule in a day or a week, in the display
// time zone, as the API computes it (EventBridge's DST behaviour). Each fire says its state in words
// (not only colour), overlaps are flagged, and the DST changes of the window are spelt out: a gap's
// local times do not exist (no fire there), a repeated hour fires once.
import { wallClock } from "#domain/time.ts";
import type { CalendarAnswer, CalendarFire, DstChange } from "#schemas/calendar.ts";
import { api } from "../api.ts";
import { useApp } from "../app-context.ts";
import { LoadState } from "../components/load-state.tsx";
import { PageTitle } from "../components/page-title.tsx";
import { PauseNoteLine } from "../components/pause-note.tsx";
import { dateInputToInstant, fmtDateTime, fmtDuration, tzLabel } from "../format.ts";
import { useJobs, usePoll } from "../hooks.ts";
import type { MessageKey, Translate } from "../i18n.ts";
import { setQuery, useLocation } from "../router.ts";

const VIEWS = ["day", "week", "list"] as const;
type View = (typeof VIEWS)[number];

const pad = (n: number) => String(n).padStart(2, "0");
/** "2026-03-08": the local date of an instant in `tz`. */
export function localDate(iso: string, tz: string): string {
  const w = wallClock(new Date(iso), tz);
  return `${w.year}-${pad(w.month)}-${pad(w.day)}`;
}
/** The date `days` after a "yyyy-mm-dd" (calendar days, whatever the zone). */
export function addDays(date: string, days: number): string {
  const [y, m, d] = date.split("-").map(Number) as [number, number, number];
  return new Date(Date.UTC(y, m - 1, d + days)).toISOString().slice(0, 10);
}
const hhmm = (iso: string, tz: string) => {
  const w = wallClock(new Date(iso), tz);
  return `${pad(w.hour)}:${pad(w.minute)}`;
};

function Badges({ f, t }: { f: CalendarFire; t: Translate }) {
  return (
    <>
      <span class={`badge cal-state-${f.state}`}>{t(`cal_state_${f.state}` as MessageKey)}</span>
      {f.flags.map((flag) => (
        <span key={flag} class="badge cal-flag" data-testid="cal-flag">
          ⚠ {t(`cal_flag_${flag}` as MessageKey)}
        </span>
      ))}
    </>
  );
}

function FireItem({ f, tz, t }: { f: CalendarFire; tz: string; t: Translate }) {
  return (
    <li class={`cal-fire cal-${f.state}`} data-testid="cal-fire" data-state={f.state}>
      <span class="mono">{hhmm(f.fire_at, tz)}</span> <strong>{f.job_name}</strong>{" "}
      <a href={`/schedules/${f.schedule_id}`} class="small">
        {f.schedule_name}
      </a>{" "}
      <Badges f={f} t={t} />
    </li>
  );
}

/** What a pause note is about, in words: the scheduler, a job, or a schedule by its name. */
function pauseSubject(target: string, fires: readonly CalendarFire[], t: Translate): string {
  if (target === "scheduler") return t("cal_pause_scheduler");
  const [kind, id] = [target.slice(0, target.indexOf(":")), target.slice(target.indexOf(":") + 1)];
  if (kind === "job") return id;
  return fires.find((f) => f.schedule_id === id)?.schedule_name ?? id;
}

function DstNote({ d, t }: { d: DstChange; t: Translate }) {
  return (
    <p class="cal-dst" role="note" data-testid="cal-dst" data-kind={d.kind}>
      {t(d.kind === "gap" ? "cal_dst_gap" : "cal_dst_repeat", {
        zone: d.timezone,
        before: d.wall_before.replace("T", " "),
        after: d.wall_after.slice(11),
      })}
    </p>
  );
}

/** One day's fires, with the display zone's DST change of that day at its place. */
function Day({
  date,
  fires,
  dst,
  tz,
  t,
}: {
  date: string;
  fires: CalendarFire[];
  dst: DstChange[];
  tz: string;
  t: Translate;
}) {
  return (
    <section class="cal-day" aria-label={date} data-testid="cal-day">
      <h2>{date}</h2>
      {dst.map((d) => (
        <DstNote key={d.at} d={d} t={t} />
      ))}
      {fires.length ? (
        <ul class="plain">
          {fires.map((f) => (
            <FireItem key={`${f.schedule_id}${f.fire_at}`} f={f} tz={tz} t={t} />
          ))}
        </ul>
      ) : (
        <p class="muted">—</p>
      )}
    </section>
  );
}

function ListView({ fires, tz, t }: { fires: CalendarFire[]; tz: string; t: Translate }) {
  return (
    <div class="table-wrap">
      <table class="cal-table" data-testid="cal-list">
        <caption class="sr-only">{t("cal_title")}</caption>
        <thead>
          <tr>
            <th scope="col">{t("cal_when", { tz: tzLabel(tz) })}</th>
            <th scope="col">{t("cal_local")}</th>
            <th scope="col">{t("job")}</th>
            <th scope="col">{t("cal_schedule")}</th>
            <th scope="col">{t("cal_policy")}</th>
            <th scope="col">{t("status")}</th>
          </tr>
        </thead>
        <tbody>
          {fires.map((f) => (
            <tr key={`${f.schedule_id}${f.fire_at}`} data-testid="cal-fire" data-state={f.state}>
              <td class="nowrap">{fmtDateTime(f.fire_at, tz, false)}</td>
              <td class="nowrap small mono">
                {f.fire_local.slice(0, 16).replace("T", " ")} {f.timezone}
              </td>
              <td>{f.job_name}</td>
              <td>
                <a href={`/schedules/${f.schedule_id}`}>{f.schedule_name}</a>
              </td>
              <td>{t(`policy_${f.execution_policy}` as MessageKey)}</td>
              <td>
                <Badges f={f} t={t} />
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

export function CalendarPage() {
  const { t, tz, lang } = useApp();
  const { query } = useLocation();
  const jobs = useJobs();
  const view: View = (VIEWS as readonly string[]).includes(query.get("view") ?? "")
    ? (query.get("view") as View)
    : "week";
  const today = localDate(new Date().toISOString(), tz);
  const rawDate = query.get("date") ?? "";
  const date = /^\d{4}-\d{2}-\d{2}$/.test(rawDate) && dateInputToInstant(rawDate, tz) ? rawDate : today;
  const job = query.get("job") ?? "";
  const days = view === "day" ? 1 : 7;
  const from = dateInputToInstant(date, tz) ?? "";
  const to = dateInputToInstant(addDays(date, days), tz) ?? "";
  const cal = usePoll(
    (signal) =>
      api("GET /v1/calendar", { conditional: true, signal, query: { from, to, job_name: job || undefined } }),
    60_000,
    JSON.stringify([from, to, job]),
  );
  const data: CalendarAnswer | null = cal.data;
  const dates = Array.from({ length: days }, (_, i) => addDays(date, i));
  const byDate = new Map<string, CalendarFire[]>();
  for (const f of data?.fires ?? []) {
    const d = localDate(f.fire_at, tz);
    byDate.set(d, [...(byDate.get(d) ?? []), f]);
  }
  const ownDst = (data?.dst_changes ?? []).filter((d) => d.timezone === tz);
  const flaggedJobs = (data?.jobs ?? []).filter((j) => j.outlasts_interval);
  return (
    <section>
      <div class="page-head">
        <PageTitle titleKey="cal_title" />
        <fieldset class="segmented">
          <legend class="sr-only">{t("view")}</legend>
          {VIEWS.map((v) => (
            <button
              key={v}
              type="button"
              class={`btn small${v === view ? " active" : ""}`}
              aria-pressed={v === view}
              onClick={() => setQuery({ view: v === "week" ? null : v })}
            >
              {t(`cal_view_${v}` as MessageKey)}
            </button>
          ))}
        </fieldset>
      </div>
      <form class="filters" aria-label={t("filters")} onSubmit={(e) => e.preventDefault()}>
        <button type="button" class="btn small" onClick={() => setQuery({ date: addDays(date, -days) })}>
          {t("cal_prev")}
        </button>
        <button type="button" class="btn small" onClick={() => setQuery({ date: null })}>
          {t("cal_today")}
        </button>
        <button type="button" class="btn small" onClick={() => setQuery({ date: addDays(date, days) })}>
          {t("cal_next")}
        </button>
        <label>
          {t("from")}
          <input
            type="date"
            name="date"
            value={date}
            onChange={(e) => setQuery({ date: e.currentTarget.value || null })}
          />
        </label>
        <label>
          {t("job")}
          <select name="job" value={job} onChange={(e) => setQuery({ job: e.currentTarget.value || null })}>
            <option value="">{t("all")}</option>
            {jobs.map((j) => (
              <option key={j.name} value={j.name}>
                {j.name}
              </option>
            ))}
          </select>
        </label>
      </form>
      <p class="muted small">{t("cal_in_zone", { tz: `${tz} (${tzLabel(tz)})` })}</p>
      <LoadState
        loading={cal.loading}
        error={cal.error}
        hasData={data !== null}
        isEmpty={data?.fires.length === 0 && ownDst.length === 0}
        onRetry={cal.refresh}
        empty={t("cal_empty")}
      />
      {data?.truncated && (
        <p class="warn" data-testid="cal-truncated">
          {t("cal_truncated", { n: data.count, time: fmtDateTime(data.complete_before_at, tz, false) })}
        </p>
      )}
      {flaggedJobs.length > 0 && (
        <ul class="plain cal-jobs" data-testid="cal-overlaps">
          {flaggedJobs.map((j) => (
            <li key={j.job_name} class="warn">
              ⚠{" "}
              {t("cal_job_outlasts", {
                job: j.job_name,
                p95: fmtDuration(j.p95_duration_seconds, lang),
                n: j.overlaps,
              })}
            </li>
          ))}
        </ul>
      )}
      {(data?.pauses ?? []).length > 0 && (
        <ul class="plain cal-jobs" data-testid="cal-pauses">
          {data?.pauses.map((p) => (
            <li key={p.target}>
              <strong>{pauseSubject(p.target, data.fires, t)}</strong> <PauseNoteLine pause={p} />
            </li>
          ))}
        </ul>
      )}
      {data &&
        (data.dst_changes ?? [])
          .filter((d) => d.timezone !== tz)
          .map((d) => <DstNote key={d.timezone + d.at} d={d} t={t} />)}
      {data &&
        (view === "list" ? (
          <>
            {ownDst.map((d) => (
              <DstNote key={d.at} d={d} t={t} />
            ))}
            <ListView fires={data.fires} tz={tz} t={t} />
          </>
        ) : (
          <div class={view === "week" ? "cal-week" : "cal-one"}>
            {dates.map((d) => (
              <Day
                key={d}
                date={d}
                fires={byDate.get(d) ?? []}
                dst={ownDst.filter((x) => localDate(x.at, tz) === d)}
                tz={tz}
                t={t}
              />
            ))}
          </div>
        ))}
    </section>
  );
}

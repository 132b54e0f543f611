// Issue 16 part 2: バックフィル. /jobs/:name/backfill previews (dry run) and starts a backfill of a
// job over a past window; /backfills/:id watches its progress (polled while it runs) and cancels it.
import { useEffect, useState } from "preact/hooks";
import { ApiError, api } from "../api.ts";
import { useApp } from "../app-context.ts";
import { ErrorNote } from "../components/error-note.tsx";
import { PageTitle } from "../components/page-title.tsx";
import { ParamsForm } from "../components/params-form.tsx";
import { StatusBadge } from "../components/run-status.tsx";
import { When } from "../components/when.tsx";
import { useJobs, usePoll } from "../hooks.ts";
import { type RawParams, sayIssue, validateParams } from "../params-validation.ts";
import { navigate } from "../router.ts";

/** A datetime-local value (the browser's wall clock) as an instant the API accepts. */
const instantOf = (local: string): string => (local ? new Date(local).toISOString() : "");

export function BackfillStartPage({ job }: { job: string }) {
  const { t, tz, canWrite, toast } = useApp();
  const [expr, setExpr] = useState("cron(30 11 * * ? *)");
  const [zone, setZone] = useState(tz);
  const [from, setFrom] = useState("");
  const [to, setTo] = useState("");
  const [concurrency, setConcurrency] = useState(1);
  const [maxRuns, setMaxRuns] = useState(100);
  const [preview, setPreview] = useState<{
    count: number;
    capped: boolean;
    times: { scheduled_for: string }[];
  } | null>(null);
  const [error, setError] = useState<Error | null>(null);
  const [busy, setBusy] = useState(false);
  // The job's own first schedule is what a backfill usually replays: start from its expression.
  const view = useJobs().find((j) => j.name === job);
  const first = view?.schedules[0];
  // Params as the trigger dialog takes them: the job's form, checked before anything is sent.
  const [raw, setRaw] = useState<RawParams>({});
  const [paramErrors, setParamErrors] = useState<Record<string, string>>({});
  const [touched, setTouched] = useState(false);
  useEffect(() => {
    if (first && !touched) {
      setExpr(first.schedule_expression);
      setZone(first.timezone);
    }
  }, [first?.id, touched]);
  const earlier = usePoll(
    (signal) => api("GET /v1/backfills", { query: { job_name: job }, signal }),
    15_000,
    job,
  );
  const body = (dryRun: boolean, params: Record<string, unknown>) => ({
    schedule_expression: expr,
    timezone: zone,
    from: instantOf(from),
    to: instantOf(to),
    concurrency,
    max_runs: maxRuns,
    params,
    dry_run: dryRun,
  });
  const send = async (dryRun: boolean) => {
    const checked = view ? validateParams(view.parameter_schema, raw, t) : { params: {}, errors: {} };
    setParamErrors(checked.errors);
    if (Object.keys(checked.errors).length > 0) return;
    setBusy(true);
    setError(null);
    try {
      const r = await api("POST /v1/jobs/{job_name}/backfill", {
        path: { job_name: job },
        body: body(dryRun, checked.params),
      });
      if ("dry_run" in r) setPreview(r);
      else {
        toast({ kind: "info", title: t("bf_started") });
        navigate(`/backfills/${r.id}`);
      }
    } catch (e) {
      if (e instanceof ApiError && e.fieldErrors.some((f) => f.field.startsWith("params."))) {
        setParamErrors(
          Object.fromEntries(e.fieldErrors.map((f) => [f.field.replace(/^params\./, ""), sayIssue(f, t)])),
        );
      } else setError(e instanceof Error ? e : new Error(String(e)));
    } finally {
      setBusy(false);
    }
  };
  return (
    <section class="backfill">
      <PageTitle titleKey="bf_title" />
      <p class="muted">
        {t("bf_intro")} <code>{job}</code>
      </p>
      <form
        class="bf-form"
        onSubmit={(e) => {
          e.preventDefault();
          void send(true);
        }}
      >
        <label>
          {t("bf_expression")}
          <input
            name="schedule_expression"
            value={expr}
            onInput={(e) => {
              setTouched(true);
              setExpr(e.currentTarget.value);
            }}
          />
        </label>
        <label>
          {t("bf_timezone")}
          <input
            name="timezone"
            value={zone}
            onInput={(e) => {
              setTouched(true);
              setZone(e.currentTarget.value);
            }}
          />
        </label>
        <label>
          {t("bf_from")}
          <input
            type="datetime-local"
            name="from"
            value={from}
            onInput={(e) => setFrom(e.currentTarget.value)}
          />
        </label>
        <label>
          {t("bf_to")}
          <input type="datetime-local" name="to" value={to} onInput={(e) => setTo(e.currentTarget.value)} />
        </label>
        <label>
          {t("bf_concurrency")}
          <input
            type="number"
            name="concurrency"
            min={1}
            max={5}
            value={concurrency}
            onInput={(e) => setConcurrency(Number(e.currentTarget.value))}
          />
        </label>
        <label>
          {t("bf_max_runs")}
          <input
            type="number"
            name="max_runs"
            min={1}
            max={500}
            value={maxRuns}
            onInput={(e) => setMaxRuns(Number(e.currentTarget.value))}
          />
        </label>
        {view && (
          <div class="bf-params">
            <ParamsForm
              schema={view.parameter_schema}
              value={raw}
              onChange={(v) => {
                setRaw(v);
                setPreview(null);
              }}
              errors={paramErrors}
              idPrefix="backfill"
            />
          </div>
        )}
        <div class="bf-actions">
          <button type="submit" class="btn" disabled={busy}>
            {t("bf_preview")}
          </button>
          <button
            type="button"
            class="btn primary"
            disabled={busy || !canWrite || !preview?.count}
            onClick={() => void send(false)}
          >
            ▶ {t("bf_start", { n: preview?.count ?? 0 })}
          </button>
        </div>
      </form>
      {error && <ErrorNote error={error instanceof ApiError ? error : error} />}
      {preview && (
        <div data-testid="bf-preview">
          <p>
            {t("bf_would_run", { n: preview.count })}
            {preview.capped && <strong> {t("bf_capped", { n: maxRuns })}</strong>}
          </p>
          <ol class="bf-times">
            {preview.times.map((x) => (
              <li key={x.scheduled_for}>
                <When iso={x.scheduled_for} withSeconds={false} />
              </li>
            ))}
          </ol>
        </div>
      )}
      {(earlier.data?.results.length ?? 0) > 0 && (
        <>
          <h2>{t("bf_earlier")}</h2>
          <ul class="plain bf-earlier" data-testid="bf-earlier">
            {earlier.data?.results.map((b) => (
              <li key={b.id}>
                <a href={`/backfills/${b.id}`}>
                  <When iso={b.window.since} withSeconds={false} /> –{" "}
                  <When iso={b.window.until} withSeconds={false} />
                </a>{" "}
                <span class={`bf-status bf-${b.status}`}>{t(`bf_status_${b.status}`)}</span>{" "}
                <span class="muted small">
                  {t("bf_earlier_counts", {
                    done: b.counts.done,
                    total: b.counts.total,
                    failed: b.counts.failed,
                  })}
                </span>
              </li>
            ))}
          </ul>
        </>
      )}
    </section>
  );
}

export function BackfillWatchPage({ id }: { id: string }) {
  const { t, canWrite, toast } = useApp();
  const [running, setRunning] = useState(true);
  const [alsoRunning, setAlsoRunning] = useState(false);
  const bf = usePoll(
    (signal) =>
      api("GET /v1/backfills/{id}", { path: { id }, signal }).then((b) => {
        setRunning(b.status === "running");
        return b;
      }),
    running ? 1000 : 15_000,
    id,
  );
  const b = bf.data;
  if (!b)
    return (
      <section>
        <PageTitle titleKey="bf_title" />
        <ErrorNote error={bf.error} />
      </section>
    );
  const c = b.counts;
  const cancel = async () => {
    try {
      await api("POST /v1/backfills/{id}/cancel", { path: { id }, body: { cancel_running: alsoRunning } });
      toast({ kind: "info", title: t("bf_cancelled") });
      bf.refresh();
    } catch (e) {
      toast({ kind: "error", title: t("action_failed"), body: e instanceof Error ? e.message : String(e) });
    }
  };
  return (
    <section class="backfill">
      <PageTitle titleKey="bf_title" />
      <p>
        <code>{b.job_name}</code> · <code>{b.schedule_expression}</code> ({b.timezone}) ·{" "}
        <span data-testid="bf-status" class={`bf-status bf-${b.status}`}>
          {t(`bf_status_${b.status}`)}
        </span>
      </p>
      <progress max={c.total} value={c.done + c.skipped + c.failed} aria-label={t("bf_progress")} />
      <dl class="bf-counts" data-testid="bf-counts">
        <div>
          <dt>{t("bf_done")}</dt>
          <dd>{c.done}</dd>
        </div>
        <div>
          <dt>{t("bf_running")}</dt>
          <dd>{c.running}</dd>
        </div>
        <div>
          <dt>{t("bf_skipped")}</dt>
          <dd>{c.skipped}</dd>
        </div>
        <div>
          <dt>{t("bf_failed")}</dt>
          <dd>{c.failed}</dd>
        </div>
        <div>
          <dt>{t("bf_pending")}</dt>
          <dd>{c.pending}</dd>
        </div>
      </dl>
      {b.status === "running" && (
        <div class="bf-actions">
          <label class="inline">
            <input
              type="checkbox"
              checked={alsoRunning}
              onChange={(e) => setAlsoRunning(e.currentTarget.checked)}
            />{" "}
            {t("bf_cancel_running")}
          </label>
          <button type="button" class="btn danger" disabled={!canWrite} onClick={() => void cancel()}>
            {t("bf_cancel")}
          </button>
        </div>
      )}
      <ol class="bf-times">
        {b.runs.map((r) => (
          <li key={r.scheduled_for}>
            <When iso={r.scheduled_for} withSeconds={false} />{" "}
            {r.status ? (
              <a href={`/runs/${r.execution_uuid}`}>
                <StatusBadge status={r.status} />
              </a>
            ) : (
              <span class="muted">{b.status === "cancelled" ? t("bf_never") : t("bf_pending")}</span>
            )}
          </li>
        ))}
      </ol>
    </section>
  );
}

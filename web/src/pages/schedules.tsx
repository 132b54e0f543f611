// Schedules list: filters, enable / delete, and the pause-all switch with the scheduler's status.
// A row never shows a fire time as upcoming when it will not fire: it says why instead (paused,
// job disabled, schedule off, invalid expression).
import { useState } from "preact/hooks";
import { api, type ScheduleView } from "../api.ts";
import { useApp } from "../app-context.ts";
import { Dialog } from "../components/dialog.tsx";
import { Switch } from "../components/form-fields.tsx";
import { Blocked } from "../components/job-state.tsx";
import { LoadState } from "../components/load-state.tsx";
import { PageTitle } from "../components/page-title.tsx";
import { PauseAskDialog, PauseNoteLine } from "../components/pause-note.tsx";
import { When } from "../components/when.tsx";
import { reasonOf } from "../failure-reason.ts";
import { useJobs, usePoll } from "../hooks.ts";
import type { MessageKey } from "../i18n.ts";
import { scheduleBlock } from "../job-state.ts";
import { setQuery, useLocation } from "../router.ts";

export function SchedulesPage() {
  const { t, lang, canWrite, toast, scheduler: st, refreshScheduler, requestPause } = useApp();
  const { query } = useLocation();
  const job = query.get("job") ?? "";
  const category = query.get("category") ?? "";
  const tag = query.get("tag") ?? "";
  const enabled = query.get("enabled") ?? "";
  const jobs = useJobs();
  const list = usePoll(
    (signal) =>
      api("GET /v1/schedules", {
        conditional: true,
        signal,
        query: {
          job_name: job || undefined,
          category: category || undefined,
          tag: tag || undefined,
          enabled: enabled === "true" || enabled === "false" ? enabled : undefined,
          limit: 100,
        },
      }),
    10_000,
    JSON.stringify([job, category, tag, enabled]),
  );
  const [deleting, setDeleting] = useState<ScheduleView | null>(null);
  // Issue 16 part 5: turning a schedule off is a pause (a reason, an optional end).
  const [pausing, setPausing] = useState<ScheduleView | null>(null);
  const categories = [...new Set(jobs.map((j) => j.category))].sort();

  const act = async (what: () => Promise<unknown>, ok: string) => {
    try {
      await what();
      toast({ kind: "success", title: ok });
      list.refresh();
      refreshScheduler();
    } catch (e) {
      toast({ kind: "error", title: t("action_failed"), body: reasonOf(t, e) });
    }
  };
  const jobEnabled = (name: string) => jobs.find((j) => j.name === name)?.enabled ?? true;
  const paused = st?.paused ?? false;

  return (
    <section>
      <div class="page-head">
        <PageTitle titleKey="schedules_title" />
        <a
          class={`btn primary${canWrite ? "" : " disabled"}`}
          href="/schedules/new"
          aria-disabled={!canWrite}
          onClick={(e) => !canWrite && e.preventDefault()}
        >
          ＋ {t("new_schedule")}
        </a>
      </div>
      <div class="card scheduler-status" data-testid="scheduler-status">
        <div class="status-line">
          <label for="pause-all">{t("pause_all")}</label>
          <Switch
            id="pause-all"
            checked={st?.paused ?? false}
            label={t("pause_all")}
            onText={t("scheduler_paused")}
            offText={t("scheduler_running")}
            disabled={!canWrite || !st}
            onChange={requestPause}
          />
        </div>
        {st && (
          <dl class="facts inline">
            <dt>{t("next_fire")}</dt>
            <dd>
              {paused ? (
                <Blocked reason="no_next_paused" />
              ) : st.next_fire ? (
                <>
                  {st.next_fire.schedule_name} · <When iso={st.next_fire.at} withSeconds={false} />
                </>
              ) : (
                "—"
              )}
            </dd>
            <dt>{t("schedules_enabled")}</dt>
            <dd>
              {st.schedules_enabled} / {st.schedules_total}
            </dd>
            <dt>{t("running_runs")}</dt>
            <dd>{st.running_runs.length}</dd>
            {st.long_running_runs.length > 0 && (
              <>
                <dt>{t("long_running")}</dt>
                <dd class="warn">{st.long_running_runs.map((r) => r.job_name).join(", ")}</dd>
              </>
            )}
            {st.missed_fires.length > 0 && (
              <>
                <dt>{t("missed_fires")}</dt>
                <dd class="warn">{st.missed_fires.length}</dd>
              </>
            )}
          </dl>
        )}
      </div>

      <form class="filters" onSubmit={(e) => e.preventDefault()} aria-label={t("filters")}>
        <label>
          {t("job")}
          <select value={job} onChange={(e) => setQuery({ job: e.currentTarget.value })}>
            <option value="">{t("all")}</option>
            {jobs.map((j) => (
              <option key={j.name} value={j.name}>
                {j.name}
              </option>
            ))}
          </select>
        </label>
        <label>
          {t("category")}
          <select value={category} onChange={(e) => setQuery({ category: e.currentTarget.value })}>
            <option value="">{t("all")}</option>
            {categories.map((c) => (
              <option key={c} value={c}>
                {c}
              </option>
            ))}
          </select>
        </label>
        <label>
          {t("tag")}
          <input value={tag} onChange={(e) => setQuery({ tag: e.currentTarget.value.trim() })} size={12} />
        </label>
        <label>
          {t("enabled")}
          <select value={enabled} onChange={(e) => setQuery({ enabled: e.currentTarget.value })}>
            <option value="">{t("all")}</option>
            <option value="true">{t("on")}</option>
            <option value="false">{t("off")}</option>
          </select>
        </label>
      </form>
      <div class="table-wrap">
        <table class="schedules">
          <caption class="sr-only">{t("schedules_title")}</caption>
          <thead>
            <tr>
              <th scope="col">{t("name")}</th>
              <th scope="col">{t("job")}</th>
              <th scope="col">{t("when_runs")}</th>
              <th scope="col">{t("next_fire")}</th>
              <th scope="col">{t("policy")}</th>
              <th scope="col">{t("tags")}</th>
              <th scope="col">{t("enabled")}</th>
              <th scope="col">
                <span class="sr-only">{t("actions")}</span>
              </th>
            </tr>
          </thead>
          <tbody>
            <LoadState
              as="row"
              colSpan={8}
              loading={list.loading}
              error={list.error}
              hasData={list.data !== null}
              isEmpty={list.data?.results.length === 0}
              onRetry={list.refresh}
              empty={t("no_schedules")}
            />
            {list.data?.results.map((s) => {
              const block = scheduleBlock(
                { ...s, next: s.next_fire_times[0] ?? null },
                jobEnabled(s.job_name),
                paused,
              );
              return (
                <tr
                  key={s.id}
                  data-testid="schedule-row"
                  data-schedule={s.name}
                  class={block ? "blocked-row" : undefined}
                >
                  <td class="name-cell">
                    <a href={`/schedules/${s.id}`}>{s.name}</a>
                    {s.category && <div class="muted small">{s.category}</div>}
                    {/* First column: seen without scrolling the table sideways on a phone. */}
                    {s.expression_error && (
                      <div
                        class="warn small"
                        data-testid="expression-error"
                        title={t("expression_error", { message: s.expression_error })}
                      >
                        ⚠ {t("expression_error_short")}
                      </div>
                    )}
                  </td>
                  <td data-label={t("job")}>{s.job_name}</td>
                  <td data-label={t("when_runs")}>
                    {s.expression_description[lang]}
                    <div class="mono small muted">
                      {s.schedule_expression} · {s.timezone}
                    </div>
                  </td>
                  <td class="nowrap" data-label={t("next_fire")} data-testid="schedule-next">
                    {block ? (
                      <Blocked reason={block} />
                    ) : (
                      <When iso={s.next_fire_times[0] ?? null} withSeconds={false} compact />
                    )}
                  </td>
                  <td data-label={t("policy")}>{t(`policy_${s.execution_policy}` as MessageKey)}</td>
                  <td data-label={t("tags")} class={s.tags.length ? undefined : "empty-cell"}>
                    {s.tags.map((x) => (
                      <span key={x} class="tag">
                        {x}
                      </span>
                    ))}
                  </td>
                  <td data-label={t("enabled")}>
                    <Switch
                      checked={s.enabled}
                      disabled={!canWrite}
                      label={t("schedule_enabled_label", { name: s.name })}
                      onChange={(v) =>
                        v
                          ? void act(
                              () => api("POST /v1/schedules/resume", { body: { ids: [s.id] } }),
                              t("schedule_on", { name: s.name }),
                            )
                          : setPausing(s)
                      }
                    />
                    {!s.enabled && s.pause && <PauseNoteLine pause={s.pause} />}
                    {s.enabled && !jobEnabled(s.job_name) && (
                      <span class="badge badge-cancelled job-off">{t("job_off_short")}</span>
                    )}
                  </td>
                  <td class="nowrap actions-cell">
                    <a class="btn small" href={`/schedules/${s.id}`}>
                      {canWrite ? t("edit") : t("view")}
                    </a>{" "}
                    <button
                      type="button"
                      class="btn small danger"
                      disabled={!canWrite}
                      onClick={() => setDeleting(s)}
                    >
                      {t("delete")}
                    </button>
                  </td>
                </tr>
              );
            })}
          </tbody>
        </table>
      </div>
      <PauseAskDialog
        open={pausing !== null}
        title={t("pause_schedule_title", { name: pausing?.name ?? "" })}
        onConfirm={(ask) => {
          const s = pausing;
          if (s)
            void act(
              () => api("POST /v1/schedules/pause", { body: { ids: [s.id], ...ask } }),
              t("schedule_off", { name: s.name }),
            );
        }}
        onClose={() => setPausing(null)}
      />
      <Dialog open={deleting !== null} title={t("delete_schedule")} onClose={() => setDeleting(null)}>
        <p>{t("delete_confirm", { name: deleting?.name ?? "" })}</p>
        <div class="actions">
          <button type="button" class="btn" onClick={() => setDeleting(null)}>
            {t("cancel")}
          </button>
          <button
            type="button"
            class="btn danger"
            onClick={() => {
              const s = deleting;
              setDeleting(null);
              if (s)
                void act(
                  () => api("DELETE /v1/schedules/{id}", { path: { id: s.id } }),
                  t("deleted", { name: s.name }),
                );
            }}
          >
            {t("delete")}
          </button>
        </div>
      </Dialog>
    </section>
  );
}

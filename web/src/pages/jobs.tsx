// The jobs page: one card per job (job-card.tsx), like the seed's data-source card.
// Also the Run-now-with-params and change-time dialogs, and a toast when an active run ends.
import { useEffect, useRef, useState } from "preact/hooks";
import { api } from "../api.ts";
import { useApp } from "../app-context.ts";
import { LoadState } from "../components/load-state.tsx";
import { PageTitle } from "../components/page-title.tsx";
import { type Started, TriggerDialog } from "../components/trigger-dialog.tsx";
import { fmtDuration } from "../format.ts";
import { livePollMs, usePoll } from "../hooks.ts";
import { ChangeTimeDialog } from "./change-time-dialog.tsx";
import { countsLine, JobCard, type ScheduleSummary } from "./job-card.tsx";

export function JobsPage() {
  const { t, lang, toast } = useApp();
  // Issue 14 (part A): every second while a job runs, slower when none does.
  const [live, setLive] = useState(false);
  const jobs = usePoll(
    (signal) =>
      api("GET /v1/jobs", { conditional: true, signal }).then((j) => {
        setLive(j.results.some((x) => x.active_runs.length > 0));
        return j;
      }),
    livePollMs(live),
    "jobs-page",
  );
  const [triggerFor, setTriggerFor] = useState<string | null>(null);
  const [editing, setEditing] = useState<{ job: string; schedule: ScheduleSummary } | null>(null);
  const seen = useRef(new Map<string, string>());

  // A run that was active in the last answer and is not any more has ended: say how.
  useEffect(() => {
    const list = jobs.data?.results;
    if (!list) return;
    const now = new Map<string, string>();
    for (const j of list) for (const r of j.active_runs) now.set(r.execution_uuid, j.name);
    for (const [id, job] of seen.current) {
      if (now.has(id)) continue;
      void api("GET /v1/runs/{execution_uuid}", { path: { execution_uuid: id } }).then((r) => {
        const counts = countsLine(t, r);
        if (r.status === "SUCCESS")
          toast({
            kind: "success",
            title: t("toast_success", { job }),
            body: `${counts} · ${fmtDuration(r.duration_seconds, lang)}`,
            href: `/runs/${id}`,
          });
        else if (r.status !== "RUNNING" && r.status !== "QUEUED")
          toast({
            kind: r.status === "SKIPPED" ? "info" : "error",
            title: t("toast_ended", { job, status: t(`status_${r.status}`) }),
            body: r.error_summary ?? counts,
            href: `/runs/${id}`,
          });
      });
    }
    seen.current = now;
  }, [jobs.data, t, lang, toast]);

  const list = jobs.data?.results ?? [];
  return (
    <section>
      <PageTitle titleKey="jobs_title" />
      <LoadState
        loading={jobs.loading}
        error={jobs.error}
        hasData={jobs.data !== null}
        isEmpty={list.length === 0}
        onRetry={jobs.refresh}
        empty={t("no_jobs")}
      />
      <div class="cards">
        {list.map((j) => (
          <JobCard
            key={j.name}
            job={j}
            onChanged={jobs.refresh}
            onTriggerWithParams={() => setTriggerFor(j.name)}
            onEditTime={(s) => setEditing({ job: j.name, schedule: s })}
          />
        ))}
      </div>
      {list.length > 0 && (
        <TriggerDialog
          jobs={list}
          initialJob={triggerFor}
          open={triggerFor !== null}
          onClose={() => setTriggerFor(null)}
          onStarted={(s: Started, name) => {
            setTriggerFor(null);
            toast({
              kind: "info",
              title: t("started_toast", { job: name }),
              href: `/runs/${s.execution_uuid}`,
            });
            jobs.refresh();
          }}
        />
      )}
      <ChangeTimeDialog
        target={editing}
        onClose={() => setEditing(null)}
        onSaved={() => {
          setEditing(null);
          jobs.refresh();
        }}
      />
    </section>
  );
}

// Layout, login gate, language, toasts and routes.
import { useCallback, useEffect, useMemo, useState } from "preact/hooks";
import { api, initApi, setSession } from "./api.ts";
import { type AppContext, Ctx, type Toast } from "./app-context.ts";
import { logoutUrl, type Session } from "./auth.ts";
import { PageTitle } from "./components/page-title.tsx";
import { PauseDialog, PausedBanner } from "./components/paused-banner.tsx";
import type { WebConfig } from "./config.ts";
import { usePoll } from "./hooks.ts";
import { initialLang, type Lang, saveLang, translator } from "./i18n.ts";
import { preloadJobWords } from "./job-words.ts";
import { AuditPage } from "./pages/audit.tsx";
import { BackfillStartPage, BackfillWatchPage } from "./pages/backfill.tsx";
import { CalendarPage } from "./pages/calendar.tsx";
import { DashboardPage } from "./pages/dashboard.tsx";
import { HistoryPage } from "./pages/history.tsx";
import { JobsPage } from "./pages/jobs.tsx";
import { LoginCard } from "./pages/login.tsx";
import { RunDetailPage } from "./pages/run.tsx";
import { ScheduleEditPage } from "./pages/schedule-edit.tsx";
import { SchedulesPage } from "./pages/schedules.tsx";
import { match, onLinkClick, useLocation } from "./router.ts";

const NAV = [
  { href: "/", key: "nav_dashboard" },
  { href: "/history", key: "nav_history" },
  { href: "/jobs", key: "nav_jobs" },
  { href: "/schedules", key: "nav_schedules" },
  { href: "/calendar", key: "nav_calendar" },
  { href: "/audit", key: "nav_audit", adminOnly: true },
] as const;

export function App({ config, initialSession }: { config: WebConfig; initialSession: Session | null }) {
  const [session, setSess] = useState<Session | null>(initialSession);
  const [lang, setLangState] = useState<Lang>(initialLang());
  const [toasts, setToasts] = useState<Toast[]>([]);
  const loc = useLocation();
  const t = useMemo(() => translator(lang), [lang]);

  useMemo(() => initApi({ config, session, onChange: setSess }), [config]);
  // The scheduler's state for every page (its pause is shown wherever the operator looks).
  const scheduler = usePoll(
    (signal) =>
      session ? api("GET /v1/scheduler/status", { conditional: true, signal }) : Promise.resolve(null),
    10_000,
    `scheduler:${session?.user ?? ""}`,
  );
  // The jobs' words (stage names, messages) before any run is on screen, not after it.
  useEffect(() => {
    if (session) preloadJobWords();
  }, [session]);
  const [confirmPause, setConfirmPause] = useState<boolean | null>(null);
  // Same-origin links go through the router (no reload); modified clicks open tabs as usual.
  useEffect(() => {
    document.addEventListener("click", onLinkClick);
    return () => document.removeEventListener("click", onLinkClick);
  }, []);
  useEffect(() => {
    document.documentElement.lang = lang;
    saveLang(lang);
  }, [lang]);

  const toast = useCallback((x: Omit<Toast, "id">) => {
    const id = Date.now() + Math.random();
    setToasts((ts) => [...ts.slice(-4), { ...x, id }]);
    setTimeout(() => setToasts((ts) => ts.filter((y) => y.id !== id)), x.kind === "error" ? 12_000 : 7_000);
  }, []);

  const langSwitch = (
    <label class="lang">
      <span class="sr-only">{t("language")}</span>
      <select
        value={lang}
        onChange={(e) => setLangState(e.currentTarget.value as Lang)}
        aria-label={t("language")}
      >
        <option value="ja" lang="ja">
          日本語
        </option>
        <option value="en" lang="en">
          English
        </option>
      </select>
    </label>
  );

  if (!session) {
    return (
      <div class="login-wrap">
        <header class="login-top">{langSwitch}</header>
        <LoginCard config={config} t={t} onLogin={(s) => setSession(s)} />
      </div>
    );
  }

  const ctx: AppContext = {
    config,
    session,
    lang,
    t,
    tz: config.displayTimeZone,
    canWrite: session.role === "admin",
    toast,
    scheduler: scheduler.data,
    refreshScheduler: scheduler.refresh,
    requestPause: setConfirmPause,
  };

  const path = loc.path;
  let page = <NotFound />;
  const schedule = match("/schedules/:id", path);
  const run = match("/runs/:id", path);
  const backfillStart = match("/jobs/:name/backfill", path);
  const backfillWatch = match("/backfills/:id", path);
  if (path === "/" || path === "") page = <DashboardPage />;
  else if (match("/history", path)) page = <HistoryPage />;
  else if (match("/jobs", path)) page = <JobsPage />;
  else if (match("/schedules", path)) page = <SchedulesPage />;
  else if (match("/audit", path)) page = <AuditPage />;
  else if (match("/calendar", path)) page = <CalendarPage />;
  else if (match("/schedules/new", path)) page = <ScheduleEditPage id={null} />;
  else if (schedule) page = <ScheduleEditPage id={schedule.id ?? ""} />;
  else if (run) page = <RunDetailPage id={run.id ?? ""} />;
  // Issue 16 part 2
  else if (backfillStart) page = <BackfillStartPage job={backfillStart.name ?? ""} />;
  else if (backfillWatch) page = <BackfillWatchPage id={backfillWatch.id ?? ""} />;

  const logout = () => {
    const url = logoutUrl(config);
    setSession(null);
    if (url) location.assign(url);
  };

  return (
    <Ctx.Provider value={ctx}>
      <div class="shell">
        <a href="#main" class="skip-link">
          {t("skip_to_content")}
        </a>
        <header class="topbar">
          <a href="/" class="brand">
            jobdeck
          </a>
          <nav aria-label={t("nav_label")}>
            <ul>
              {NAV.filter((n) => !("adminOnly" in n) || ctx.canWrite).map((n) => {
                const active = n.href === "/" ? path === "/" : path.startsWith(n.href);
                return (
                  <li key={n.href}>
                    <a href={n.href} aria-current={active ? "page" : undefined}>
                      {t(n.key)}
                    </a>
                  </li>
                );
              })}
            </ul>
          </nav>
          <div class="user">
            {langSwitch}
            <span class="who" title={session.user}>
              {session.user}{" "}
              <span class={`role role-${session.role}`}>
                {t(session.role === "admin" ? "role_admin" : "role_viewer")}
              </span>
            </span>
            <button type="button" class="btn small" onClick={logout}>
              {t("logout")}
            </button>
          </div>
        </header>
        <PausedBanner onResume={() => setConfirmPause(false)} />
        <main id="main" tabIndex={-1}>
          {/* Inside main: content outside a landmark is missed by screen-reader region navigation (axe "region"). */}
          {!ctx.canWrite && (
            <p class="viewer-note" role="note">
              {t("viewer_note")}
            </p>
          )}
          {page}
        </main>
        <PauseDialog paused={confirmPause} onClose={() => setConfirmPause(null)} />
        <section class="toasts" aria-live="polite" aria-label={t("notifications")}>
          {toasts.map((x) => (
            <div key={x.id} class={`toast toast-${x.kind}`} role={x.kind === "error" ? "alert" : "status"}>
              <strong>{x.title}</strong>
              {x.body && <div>{x.body}</div>}
              {x.href && (
                <>
                  {" "}
                  <a href={x.href}>{t("open_run")}</a>
                </>
              )}
              <button
                type="button"
                class="icon-btn"
                aria-label={t("close")}
                onClick={() => setToasts((ts) => ts.filter((y) => y.id !== x.id))}
              >
                ✕
              </button>
            </div>
          ))}
        </section>
      </div>
    </Ctx.Provider>
  );
}

function NotFound() {
  return <PageTitle titleKey="not_found" />;
}

// Layout, login gate, language, toasts and routes.
import { useCallback, useEffect, useMemo, useState } from "preact/hooks";
import { initApi, setSession } from "./api.ts";
import { type AppContext, Ctx, type Toast } from "./app-context.ts";
import { localLogin, logoutUrl, type Role, type Session, startCognitoLogin } from "./auth.ts";
import { PageTitle } from "./components/page-title.tsx";
import type { WebConfig } from "./config.ts";
import { initialLang, type Lang, saveLang, type Translate, translator } from "./i18n.ts";
import { AuditPage } from "./pages/audit.tsx";
import { DashboardPage } from "./pages/dashboard.tsx";
import { HistoryPage } from "./pages/history.tsx";
import { JobsPage } from "./pages/jobs.tsx";
import { RunPage } from "./pages/run.tsx";
import { ScheduleEditPage } from "./pages/schedule-edit.tsx";
import { SchedulesPage } from "./pages/schedules.tsx";
import { match, onLinkClick, useLocation } from "./router.ts";

const NAV = [
  { href: "/", key: "nav_dashboard" },
  { href: "/history", key: "nav_history" },
  { href: "/jobs", key: "nav_jobs" },
  { href: "/schedules", key: "nav_schedules" },
  { href: "/audit", key: "nav_audit", adminOnly: true },
] as const;

export function App({ config, initialSession }: { config: WebConfig; initialSession: Session | null }) {
  const [session, setSess] = useState<Session | null>(initialSession);
  const [lang, setLangState] = useState<Lang>(initialLang());
  const [toasts, setToasts] = useState<Toast[]>([]);
  const loc = useLocation();
  const t = useMemo(() => translator(lang), [lang]);

  useMemo(() => initApi({ config, session, onChange: setSess }), [config]);
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
        <option value="ja">日本語</option>
        <option value="en">English</option>
      </select>
    </label>
  );

  if (!session) {
    return (
      <div class="login-wrap">
        <div class="login-top">{langSwitch}</div>
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
  };

  const path = loc.path;
  let page = <NotFound />;
  const schedule = match("/schedules/:id", path);
  const run = match("/runs/:id", path);
  if (path === "/" || path === "") page = <DashboardPage />;
  else if (match("/history", path)) page = <HistoryPage />;
  else if (match("/jobs", path)) page = <JobsPage />;
  else if (match("/schedules", path)) page = <SchedulesPage />;
  else if (match("/audit", path)) page = <AuditPage />;
  else if (match("/schedules/new", path)) page = <ScheduleEditPage id={null} />;
  else if (schedule) page = <ScheduleEditPage id={schedule.id ?? ""} />;
  else if (run) page = <RunPage id={run.id ?? ""} />;

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
        {!ctx.canWrite && (
          <p class="viewer-note" role="note">
            {t("viewer_note")}
          </p>
        )}
        <main id="main" tabIndex={-1}>
          {page}
        </main>
        <section class="toasts" aria-live="polite" aria-label={t("notifications")}>
          {toasts.map((x) => (
            <div key={x.id} class={`toast toast-${x.kind}`} role={x.kind === "error" ? "alert" : "status"}>
              <strong>{x.title}</strong>
              {x.body && <div>{x.body}</div>}
              {x.href && <a href={x.href}>{t("open_run")}</a>}
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

function LoginCard({
  config,
  t,
  onLogin,
}: {
  config: WebConfig;
  t: Translate;
  onLogin: (s: Session) => void;
}) {
  const [user, setUser] = useState("operator");
  const [role, setRole] = useState<Role>("admin");
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  useEffect(() => {
    document.title = `${t("login_title")} · jobdeck`;
  }, [t]);
  if (config.auth === "cognito") {
    return (
      <main class="login card">
        <h1>jobdeck</h1>
        <p>{t("login_cognito_lead")}</p>
        <button
          type="button"
          class="btn primary"
          onClick={() => void startCognitoLogin(config, location.pathname + location.search)}
        >
          {t("login_cognito")}
        </button>
      </main>
    );
  }
  return (
    <main class="login card">
      <h1>jobdeck</h1>
      <p>{t("login_local_lead")}</p>
      <form
        class="form"
        onSubmit={async (e) => {
          e.preventDefault();
          setBusy(true);
          setError(null);
          try {
            onLogin(await localLogin(config, user.trim() || "operator", role));
          } catch (err) {
            setError(err instanceof Error ? err.message : String(err));
          } finally {
            setBusy(false);
          }
        }}
      >
        <div class="field">
          <label for="login-user">{t("login_user")}</label>
          <input
            id="login-user"
            value={user}
            onInput={(e) => setUser(e.currentTarget.value)}
            autoComplete="username"
          />
        </div>
        <fieldset class="field choices">
          <legend>{t("login_role")}</legend>
          <label class="choice">
            <input
              type="radio"
              name="role"
              value="admin"
              checked={role === "admin"}
              onChange={() => setRole("admin")}
            />{" "}
            {t("role_admin")} — {t("login_admin_hint")}
          </label>
          <label class="choice">
            <input
              type="radio"
              name="role"
              value="viewer"
              checked={role === "viewer"}
              onChange={() => setRole("viewer")}
            />{" "}
            {t("role_viewer")} — {t("login_viewer_hint")}
          </label>
        </fieldset>
        {error && (
          <p class="error-note" role="alert">
            {error}
          </p>
        )}
        <button type="submit" class="btn primary" disabled={busy}>
          {t("login_submit")}
        </button>
      </form>
    </main>
  );
}

// The login card shown before any page: a local sign-in form (user + role) or the Cognito button.
import { useEffect, useState } from "preact/hooks";
import { localLogin, type Role, type Session, startCognitoLogin } from "../auth.ts";
import type { WebConfig } from "../config.ts";
import type { Translate } from "../i18n.ts";

export function LoginCard({
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

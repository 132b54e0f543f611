import { render } from "preact";
import "./styles.css";
import { App } from "./app.tsx";
import { finishCognitoLogin, loadSession, type Session } from "./auth.ts";
import { loadConfig } from "./config.ts";
import { navigate } from "./router.ts";

async function boot() {
  const root = document.getElementById("app");
  if (!root) return;
  try {
    const config = await loadConfig();
    let session: Session | null = loadSession();
    if (config.auth === "cognito") {
      const done = await finishCognitoLogin(config);
      if (done) {
        session = done.session;
        navigate(done.returnTo, { replace: true });
      }
    }
    render(<App config={config} initialSession={session} />, root);
  } catch (e) {
    root.textContent = `jobdeck: ${e instanceof Error ? e.message : String(e)}`;
  }
}
void boot();

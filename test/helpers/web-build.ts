// The built admin page (web/ → web/dist) as the e2e tests and the bench use it. No Vitest import:
// also used from plain `tsx` scripts (bench).
import { spawnSync } from "node:child_process";
import { existsSync } from "node:fs";
import { join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { stripVTControlCharacters } from "node:util";

export const ROOT = resolve(fileURLToPath(new URL("../..", import.meta.url)));
export const WEB_DIST = join(ROOT, "web", "dist");
export const WEB_INDEX = join(WEB_DIST, "index.html");
const BUILD_ARGS = ["vite", "build", "--config", "web/vite.config.ts"];

/**
 * `npx vite build --config web/vite.config.ts` (what `npm run build:web` runs), synchronously.
 * `quiet` keeps Vite's output and shows it only if the build fails. Throws when the build fails or
 * leaves no web/dist/index.html. Returns the wall time in ms.
 */
export function buildWeb(opts: { quiet?: boolean } = {}): number {
  const started = performance.now();
  const r = spawnSync("npx", BUILD_ARGS, {
    cwd: ROOT,
    stdio: opts.quiet ? "pipe" : "inherit",
    encoding: "utf8",
    // Captured output is read in a log, not a terminal: no colour codes.
    env: opts.quiet ? { ...process.env, NO_COLOR: "1" } : process.env,
  });
  const ms = performance.now() - started;
  const cmd = `npx ${BUILD_ARGS.join(" ")}`;
  if (r.error) throw new Error(`${cmd} could not start: ${r.error.message}`);
  if (r.status !== 0) {
    const output = opts.quiet
      ? `\n${stripVTControlCharacters(`${r.stdout ?? ""}${r.stderr ?? ""}`).trimEnd()}`
      : " (output above)";
    throw new Error(
      `${cmd} failed (${r.signal ? `signal ${r.signal}` : `exit ${r.status}`}): the admin page ` +
        `(web/) does not build${output}`,
    );
  }
  if (!existsSync(WEB_INDEX)) throw new Error(`${cmd} succeeded but wrote no ${WEB_INDEX}`);
  return ms;
}

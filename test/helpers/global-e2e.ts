// Vitest globalSetup of the e2e project: a Chromium binary (Debian's, installed when missing and
// running as root) and a built admin page in web/dist (built here when missing; `npm run test:e2e`
// and `npm test` build it first anyway).
import { existsSync } from "node:fs";
import { ensureChromium } from "./browser.ts";
import { buildWeb, WEB_INDEX } from "./web-build.ts";

export function setup() {
  ensureChromium();
  if (!existsSync(WEB_INDEX)) {
    console.log(
      `e2e: ${WEB_INDEX} is missing; building the admin page (npx vite build --config web/vite.config.ts)`,
    );
    buildWeb();
  }
}

// Browser e2e tests drive Debian's Chromium through playwright-core: no browser is downloaded, ever.
// No Vitest import: also usable from plain `tsx` scripts.
import { execSync } from "node:child_process";
import { accessSync, constants } from "node:fs";
import { type Browser, type BrowserContext, chromium, type Page } from "playwright-core";

const DEFAULT_CHROMIUM = "/usr/bin/chromium";

const HOW_TO_INSTALL =
  "install Debian's chromium package (`sudo apt-get install -y chromium`) or set JOBDECK_CHROMIUM to a Chromium binary";

/** The Chromium binary the tests use: env JOBDECK_CHROMIUM, else Debian's /usr/bin/chromium. */
export function chromiumPath(): string {
  return process.env.JOBDECK_CHROMIUM || DEFAULT_CHROMIUM;
}

function isExecutable(path: string): boolean {
  try {
    accessSync(path, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

/** Throws the how-to-install message when the binary is missing (never installs anything). */
function requireChromium(): string {
  const path = chromiumPath();
  if (!isExecutable(path)) throw new Error(`Chromium not found at ${path}: ${HOW_TO_INSTALL}`);
  return path;
}

/**
 * Makes sure the Chromium binary exists. When it is missing and this runs as root (CI containers),
 * installs Debian's chromium package the way Playwright's `--with-deps` installs system packages;
 * otherwise throws an Error telling how to get one. A missing JOBDECK_CHROMIUM binary is never
 * "fixed" by apt (the package would not put it there).
 */
export function ensureChromium(): string {
  const path = chromiumPath();
  if (isExecutable(path)) return path;
  if (process.env.JOBDECK_CHROMIUM) {
    throw new Error(`JOBDECK_CHROMIUM=${path} is not an executable file: ${HOW_TO_INSTALL}`);
  }
  if (process.getuid?.() !== 0) throw new Error(`Chromium not found at ${path}: ${HOW_TO_INSTALL}`);
  console.log(
    `browser: ${path} is missing; installing Debian's chromium package with apt-get ` +
      "(running as root, like Playwright's --with-deps)",
  );
  try {
    execSync(
      "apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends chromium",
      { stdio: "inherit" },
    );
  } catch (e) {
    throw new Error(
      `apt-get install chromium failed (${e instanceof Error ? e.message : String(e)}): ${HOW_TO_INSTALL}`,
    );
  }
  return requireChromium();
}

/**
 * Screenshots of the Japanese pages need a CJK font, or every kana is a tofu box: Debian's
 * fonts-noto-cjk. Installed with apt when running as root (as ensureChromium does), else an Error
 * says what to install.
 */
export function ensureJapaneseFont(): void {
  const hasFont = () => {
    try {
      return execSync("fc-list :lang=ja", { encoding: "utf8" }).trim().length > 0;
    } catch {
      return false;
    }
  };
  if (hasFont()) return;
  const how = "install Debian's fonts-noto-cjk package (`sudo apt-get install -y fonts-noto-cjk fontconfig`)";
  if (process.getuid?.() !== 0) throw new Error(`no Japanese font found (fc-list :lang=ja): ${how}`);
  execSync(
    "apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends fonts-noto-cjk fontconfig",
    { stdio: "inherit" },
  );
  if (!hasFont()) throw new Error(`fonts-noto-cjk installed but fc-list :lang=ja finds no font: ${how}`);
}

/** Flags for a headless Chromium that stays off the network except for the pages it is sent to. */
export const CHROMIUM_ARGS = [
  "--no-sandbox",
  "--disable-gpu",
  "--disable-quic",
  "--no-first-run",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
] as const;

/** Headless Debian Chromium (see chromiumPath()); call browser.close() when done. */
export async function launchBrowser(): Promise<Browser> {
  return chromium.launch({
    executablePath: requireChromium(),
    headless: true,
    args: [...CHROMIUM_ARGS],
  });
}

export type PageOptions = {
  /** Phone viewport (390×844, touch) instead of the desktop one (1280×800). */
  phone?: boolean;
  /** Default 'ja-JP' (the page's users); the time zone is always Asia/Tokyo. */
  locale?: string;
};

export type OpenedPage = {
  page: Page;
  context: BrowserContext;
  /** Uncaught page errors and console.error messages, in order; tests assert it stays empty. */
  errors: string[];
};

/** A fresh context (own cookies and storage) with one page whose relative URLs resolve to baseUrl. */
export async function newPage(
  browser: Browser,
  baseUrl: string,
  opts: PageOptions = {},
): Promise<OpenedPage> {
  const phone = opts.phone ?? false;
  const context = await browser.newContext({
    baseURL: baseUrl,
    viewport: phone ? { width: 390, height: 844 } : { width: 1280, height: 800 },
    isMobile: phone,
    hasTouch: phone,
    locale: opts.locale ?? "ja-JP",
    timezoneId: "Asia/Tokyo",
  });
  const page = await context.newPage();
  const errors: string[] = [];
  page.on("pageerror", (e) => errors.push(`pageerror: ${e.stack ?? e.message}`));
  page.on("console", (m) => {
    if (m.type() === "error") {
      const at = m.location();
      errors.push(`console.error: ${m.text()}${at.url ? ` (${at.url}:${at.lineNumber})` : ""}`);
    }
  });
  return { page, context, errors };
}

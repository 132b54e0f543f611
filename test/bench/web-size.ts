// The admin page's weight on the wire: builds web/ (`npx vite build --config web/vite.config.ts`, the
// same build `npm run build:web` and CDK's deploy use; always rebuilt so the figures are the
// sources' of now), then every .js and .css file under web/dist with its raw and gzip (level 9) size.
import { readdirSync, readFileSync } from "node:fs";
import { extname, join, relative } from "node:path";
import { gzipSync } from "node:zlib";
import { buildWeb, WEB_DIST } from "#test/helpers/web-build.ts";

export type WebAsset = { file: string; bytes: number; gzip: number };

export type WebSizeResult = {
  buildMs: number;
  /** Largest gzip first; paths relative to web/dist. */
  assets: WebAsset[];
  totalBytes: number;
  totalGzip: number;
};

function walk(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((d) =>
    d.isDirectory() ? walk(join(dir, d.name)) : d.isFile() ? [join(dir, d.name)] : [],
  );
}

/** .js and .css files under `dir` (recursive) with raw and gzip -9 sizes. */
export function measureWebAssets(dir: string = WEB_DIST): WebAsset[] {
  return walk(dir)
    .filter((f) => [".js", ".mjs", ".css"].includes(extname(f)))
    .map((f) => {
      const data = readFileSync(f);
      return { file: relative(dir, f), bytes: data.length, gzip: gzipSync(data, { level: 9 }).length };
    })
    .sort((a, b) => b.gzip - a.gzip || a.file.localeCompare(b.file));
}

export function runWebSizeBench(opts: { log: (line: string) => void }): WebSizeResult {
  opts.log("web: building the admin page (npx vite build --config web/vite.config.ts)");
  const buildMs = buildWeb({ quiet: true });
  const assets = measureWebAssets();
  const totalBytes = assets.reduce((n, a) => n + a.bytes, 0);
  const totalGzip = assets.reduce((n, a) => n + a.gzip, 0);
  opts.log(
    `web: built in ${(buildMs / 1000).toFixed(1)} s; ${assets.length} JS/CSS files, ` +
      `${(totalGzip / 1024).toFixed(1)} KB gzipped`,
  );
  return { buildMs, assets, totalBytes, totalGzip };
}

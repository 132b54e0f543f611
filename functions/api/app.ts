// What every API area shares: the core dependencies and the cursor codec. Each area builds the
// domain services it uses itself, so a Lambda bundles (and loads) only those.
import type { CoreDeps } from "#domain/core-deps.ts";
import { CursorCodec } from "#domain/runs/run-queries.ts";

export type ApiApp = {
  deps: CoreDeps;
  cursors: CursorCodec;
};

export function createApiApp(deps: CoreDeps, opts: { cursorSecret: string }): ApiApp {
  return { deps, cursors: new CursorCodec(opts.cursorSecret) };
}

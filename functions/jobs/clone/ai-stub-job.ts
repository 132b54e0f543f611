// clone.ai_stub (seed 000: companies.tasks.run_ai_ingestion_stub, manual, no schedule): a stub, and
// it says so. It calls no model and fetches nothing; it writes the bundled sample's candidates
// through the same comparison as the real batches, so a second run shows them not_modified.
import * as z from "zod/mini";
import { defineJob, type JobContext } from "#jobs/define-job.ts";
import { AI_STUB_CANDIDATES, AI_STUB_SOURCE } from "./ai-stub-sample.ts";
import type { CloneStores } from "./candidate-batch.ts";
import { compareAndWrite } from "./candidate-batch.ts";
import { cloneCandidatesStore } from "./candidate-store.ts";
import {
  AI_STUB_DESCRIPTION,
  CLONE_ITEMS,
  CLONE_MESSAGES,
  CLONE_SKIP_REASONS,
  CLONE_STAGES,
} from "./clone-words.ts";

export const AiStubParams = z.strictObject({
  /** How many of the sample's candidates to write (default: all of them). */
  max_candidates: z.optional(z.int().check(z.minimum(1), z.maximum(AI_STUB_CANDIDATES.length))),
});
export type AiStubParams = z.output<typeof AiStubParams>;

export async function runAiStub(ctx: JobContext<AiStubParams, CloneStores>): Promise<void> {
  ctx.stage("fetch");
  const incoming = AI_STUB_CANDIDATES.slice(0, ctx.params.max_candidates ?? AI_STUB_CANDIDATES.length);
  ctx.count.input(incoming.length);
  ctx.item(AI_STUB_SOURCE, { current: incoming.length, total: incoming.length, status: "done" });
  ctx.progress({
    current: incoming.length,
    total: incoming.length,
    message: { key: "stub", params: { count: incoming.length } },
  });
  ctx.stage("parse");
  await compareAndWrite(ctx, incoming);
}

export const aiStubJob = defineJob({
  name: "clone.ai_stub",
  description: AI_STUB_DESCRIPTION,
  category: "clone",
  data_sources: [AI_STUB_SOURCE],
  parameters: AiStubParams,
  concurrency: "job",
  timeout_seconds: 120,
  stages: CLONE_STAGES,
  messages: CLONE_MESSAGES,
  skip_reasons: CLONE_SKIP_REASONS,
  item_labels: CLONE_ITEMS,
  // No default_schedules: seed 000 runs the stub by hand only.
  stores: { candidates: cloneCandidatesStore },
  async run(ctx) {
    await runAiStub(ctx);
  },
});

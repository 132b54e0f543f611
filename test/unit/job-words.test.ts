// Issue 14, problem 7 (server side): a job's words come in both languages; progress messages are
// keys of the job's catalog with values, recorded with their English text for API clients and
// rendered with grouped numbers; skip reasons and stages have words in both languages.
import { describe, expect, it } from "vitest";
import * as z from "zod/mini";
import { recordMessage, renderTemplate } from "#domain/jobs/job-words.ts";
import { executeJob } from "#domain/runs/job-attempt.ts";
import { JOBS } from "#jobs/all-jobs.ts";
import { defineJob } from "#jobs/define-job.ts";
import { listedCompaniesSync } from "#jobs/listed-companies/listed-companies-sync.ts";
import { recapPipeline } from "#jobs/recap/recap-pipeline.ts";
import { FakeJobContext } from "../helpers/fake-job-context.ts";

const KANA = /[\u3040-\u30ff]/;

describe("problem 7: job words per language", () => {
  it("every example job describes itself, its stages, skip reasons and items in each language, without mixing them", () => {
    for (const job of JOBS) {
      expect(KANA.test(job.description.en), job.name).toBe(false);
      expect(KANA.test(job.description.ja), job.name).toBe(true);
      for (const stage of job.stages ?? []) {
        const label = job.stage_labels?.[stage];
        expect(label, `${job.name} ${stage}`).toBeDefined();
        expect(KANA.test(label?.en ?? "")).toBe(false);
      }
      for (const words of [job.messages, job.skip_reasons, job.item_labels]) {
        for (const [key, t] of Object.entries(words ?? {})) {
          expect(KANA.test(t.en), `${job.name} ${key}`).toBe(false);
          expect(t.ja, `${job.name} ${key}`).not.toBe(t.en);
        }
      }
    }
  });

  it("both example jobs report progress with keys of their own catalog, and skip with reasons that have words", async () => {
    const listed = new FakeJobContext(listedCompaniesSync.parameters.parse({}));
    await listedCompaniesSync.run(listed);
    const recap = new FakeJobContext(recapPipeline.parameters.parse({ stage_delay_ms: 0 }));
    await recapPipeline.run(recap);
    for (const [job, ctx] of [
      [listedCompaniesSync, listed],
      [recapPipeline, recap],
    ] as const) {
      expect(ctx.progressCalls.every((p) => p.message == null || typeof p.message !== "string")).toBe(true);
      expect(ctx.messageKeys().length).toBeGreaterThan(2);
      for (const key of ctx.messageKeys()) expect(job.messages?.[key], `${job.name} ${key}`).toBeDefined();
      for (const m of ctx.messages(job, "en")) expect(m).not.toMatch(/\{\w+\}|\[\[|[\u3040-\u30ff]/);
      for (const m of ctx.messages(job, "ja")) expect(m).not.toMatch(/\{\w+\}|\[\[/);
      for (const reason of Object.keys(ctx.counts.skipBreakdown))
        expect(job.skip_reasons?.[reason], `${job.name} ${reason}`).toBeDefined();
    }
    expect(listed.messages(listedCompaniesSync, "en")).toContain("Fetched 4,411 records");
    expect(listed.messages(listedCompaniesSync, "ja")).toContain("4,411 件を取得しました");
  });

  it("numbers are grouped per language and the record keeps key, values and the English text", () => {
    expect(renderTemplate("Written {written} / {total}", { written: 575, total: 4411 }, "en")).toBe(
      "Written 575 / 4,411",
    );
    expect(
      recordMessage(listedCompaniesSync, { key: "written_progress", params: { written: 575, total: 4411 } }),
    ).toEqual({
      message: "Written 575 / 4,411",
      message_key: "written_progress",
      message_params: { written: 575, total: 4411 },
    });
    expect(recordMessage(listedCompaniesSync, "free text")).toEqual({
      message: "free text",
      message_key: null,
      message_params: null,
    });
  });

  it("the run's progress carries message_key and message_params beside the English message", async () => {
    const job = defineJob({
      name: "test.words",
      description: { ja: "テスト", en: "test" },
      category: "test",
      data_sources: [],
      parameters: z.object({}),
      messages: { step: { ja: "{n} 件目", en: "Item {n}" } },
      async run(ctx) {
        ctx.progress({ message: { key: "step", params: { n: 1200 } } });
      },
    });
    const writes: unknown[] = [];
    const r = await executeJob(
      {
        job,
        executionUuid: "00000000-0000-4000-8000-000000000009",
        attempt: 1,
        params: {},
        timeoutSeconds: 5,
      },
      {
        sink: {
          write: async (s) => {
            writes.push(s);
            return true;
          },
        },
        stores: {},
        logger: { debug() {}, info() {}, warn() {}, error() {} },
      },
    );
    expect(r.progress).toMatchObject({
      message: "Item 1,200",
      message_key: "step",
      message_params: { n: 1200 },
    });
  });

  it("a job whose two languages name different values is refused when it is defined", () => {
    expect(() =>
      defineJob({
        name: "test.bad_words",
        description: "x",
        category: "test",
        data_sources: [],
        parameters: z.object({}),
        messages: { step: { ja: "{n} 件目", en: "Item {count}" } },
        async run() {},
      }),
    ).toThrow(/message step/);
  });
});

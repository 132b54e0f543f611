// A job's words in the page's language (issue 14 part C): description, stage and item names,
// progress messages (a key of the job's catalog + values) and skip reasons, all from GET /v1/jobs.
// The catalogs are loaded once per page and shared by every component that says something about a
// run; until they arrive (or for a job the API no longer knows) the run's own text is shown.
import { useEffect, useState } from "preact/hooks";
import { renderTemplate } from "#schemas/message-template.ts";
import { api, type JobView } from "./api.ts";
import { useApp } from "./app-context.ts";
import type { Lang } from "./i18n.ts";

type Words = Pick<
  JobView,
  "name" | "description" | "description_i18n" | "stage_labels" | "messages" | "skip_reasons" | "item_labels"
>;
type KeyedMessage = {
  message: string | null;
  message_key?: string | null | undefined;
  message_params?: Record<string, string | number> | null | undefined;
};

let catalog = new Map<string, Words>();
let loading: Promise<void> | null = null;
const listeners = new Set<() => void>();

/** Takes the words of `jobs` (any page that loaded GET /v1/jobs can share them). */
export function rememberJobWords(jobs: readonly Words[]): void {
  if (jobs.length === 0) return;
  catalog = new Map(jobs.map((j) => [j.name, j]));
  for (const l of listeners) l();
}

/** Starts loading the catalogs (the app does it at sign-in, so no run is first shown in English). */
export function preloadJobWords(): void {
  load();
}

function load(): void {
  if (catalog.size > 0 || loading) return;
  loading = api("GET /v1/jobs", { conditional: true })
    .then((r) => rememberJobWords(r.results))
    .catch(() => {
      // the run's own (English) text stays; the next component mount tries again
    })
    .finally(() => {
      loading = null;
    });
}

export type JobWords = {
  description(job: Pick<JobView, "description" | "description_i18n">): string;
  stage(jobName: string, stage: string): string;
  item(jobName: string, item: string): string;
  skipReason(jobName: string, reason: string): string;
  message(jobName: string, progress: KeyedMessage): string;
};

/** The words of jobs in the page's language; re-renders when the catalogs arrive. */
export function useJobWords(): JobWords {
  const { lang } = useApp();
  const [, setVersion] = useState(0);
  useEffect(() => {
    const l = () => setVersion((v) => v + 1);
    listeners.add(l);
    load();
    return () => {
      listeners.delete(l);
    };
  }, []);
  return wordsIn(lang);
}

/** The same words without a hook (for code that already holds the language). */
export function wordsIn(lang: Lang): JobWords {
  const of = (jobName: string) => catalog.get(jobName);
  return {
    description: (job) => job.description_i18n?.[lang] ?? job.description,
    stage: (jobName, stage) => of(jobName)?.stage_labels[stage]?.[lang] ?? stage,
    item: (jobName, item) => of(jobName)?.item_labels[item]?.[lang] ?? item,
    skipReason: (jobName, reason) => of(jobName)?.skip_reasons[reason]?.[lang] ?? reason,
    message: (jobName, p) => {
      const template = p.message_key ? of(jobName)?.messages[p.message_key]?.[lang] : undefined;
      return template ? renderTemplate(template, p.message_params, lang) : (p.message ?? "");
    },
  };
}

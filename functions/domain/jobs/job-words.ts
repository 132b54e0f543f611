// A job's words in the operator's language (issue 14 part C): progress messages are a key of the
// job's catalog plus values; the run keeps the key and values, and its `message` in English for
// API clients that want one string. The page renders the same templates in its own language.
import type { MessageParams } from "#schemas/job.ts";
import { type Lang, renderTemplate } from "#schemas/message-template.ts";

export { type Lang, renderTemplate };

import type { JobDefinition, ProgressMessage } from "./job-definition.ts";

/** Placeholder names of a template, sorted (both languages of a message must name the same ones). */
export function placeholders(template: string): string[] {
  return [...new Set([...template.matchAll(/\{(\w+)\}/g)].map((m) => m[1] ?? ""))].sort();
}

export type RecordedMessage = {
  message: string | null;
  message_key: string | null;
  message_params: MessageParams | null;
};

/** What a run's progress records for `msg`: the English text, and the key and values if keyed. */
export function recordMessage(job: JobDefinition, msg: ProgressMessage | null): RecordedMessage {
  if (msg === null) return { message: null, message_key: null, message_params: null };
  if (typeof msg === "string") return { message: msg.slice(0, 500), message_key: null, message_params: null };
  const params = msg.params ?? {};
  const template = job.messages?.[msg.key];
  return {
    // An unknown key still says something: the key and its values.
    message: (template
      ? renderTemplate(template.en, params, "en")
      : `${msg.key} ${JSON.stringify(params)}`
    ).slice(0, 500),
    message_key: msg.key,
    message_params: params,
  };
}

/** Problems with a job's words: templates whose languages name different placeholders. */
export function wordProblems(job: Pick<JobDefinition, "name" | "messages">): string[] {
  const out: string[] = [];
  for (const [key, t] of Object.entries(job.messages ?? {})) {
    const ja = placeholders(t.ja).join(",");
    const en = placeholders(t.en).join(",");
    if (ja !== en) out.push(`${job.name}: message ${key}: ja has {${ja}}, en has {${en}}`);
  }
  return out;
}

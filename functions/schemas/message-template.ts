// How a job's message template becomes text, shared by the server (the run's English `message`)
// and the admin page (the operator's language): `{name}` placeholders filled from the run's
// `message_params`, numbers grouped as the language writes them (4,411). One renderer, so the
// page and the API's one-string `message` cannot drift.
import type { LocalizedText, MessageParams } from "./job.ts";

export type Lang = keyof LocalizedText;

const numberFormats: Record<Lang, Intl.NumberFormat> = {
  ja: new Intl.NumberFormat("ja-JP"),
  en: new Intl.NumberFormat("en-US"),
};

/** `{name}` placeholders of `template` filled from `params`; numbers grouped (4,411). */
export function renderTemplate(
  template: string,
  params: MessageParams | null | undefined,
  lang: Lang,
): string {
  return template.replace(/\{(\w+)\}/g, (m, k: string) => {
    const v = params?.[k];
    if (v === undefined) return m;
    return typeof v === "number" ? numberFormats[lang].format(v) : v;
  });
}

// Japanese (default) and English. `en` is typed from `ja`'s keys, so a string missing in one
// language does not compile; a key missing at run time renders as [[key]] (the e2e test looks).
import { en } from "./messages/en.ts";
import { ja } from "./messages/ja.ts";

export type Lang = "ja" | "en";
export type MessageKey = keyof typeof ja;
export type Vars = Record<string, string | number>;
export type Translate = (key: MessageKey, vars?: Vars) => string;

const TABLES: Record<Lang, Record<MessageKey, string>> = { ja, en };

export function translator(lang: Lang): Translate {
  const table = TABLES[lang];
  return (key, vars) => {
    // "{n} runs" with n = 1 reads "1 run": a `<key>__one` message, where a language has one, wins
    const one =
      vars && (vars.n === 1 || vars.n === "1") ? (table as Record<string, string>)[`${key}__one`] : undefined;
    const s = one ?? (table[key] as string | undefined);
    if (s === undefined) return `[[${key}]]`;
    return vars ? s.replace(/\{(\w+)\}/g, (m, k: string) => (k in vars ? String(vars[k]) : m)) : s;
  };
}

/** Whether `key` is one of the page's messages (for keys made from codes the API sends). */
export function hasMessage(key: string): key is MessageKey {
  return Object.hasOwn(ja, key);
}

const LANG_KEY = "jobdeck.lang";
export function initialLang(): Lang {
  const q = new URLSearchParams(location.search).get("lang");
  if (q === "ja" || q === "en") return q;
  try {
    const saved = localStorage.getItem(LANG_KEY);
    if (saved === "ja" || saved === "en") return saved;
  } catch {
    // storage disabled: default below
  }
  return "ja";
}
export function saveLang(lang: Lang): void {
  try {
    localStorage.setItem(LANG_KEY, lang);
  } catch {
    // storage disabled: the choice lasts for this page only
  }
}

import { createContext } from "preact";
import { useContext } from "preact/hooks";
import type { SchedulerStatus } from "#schemas/answers.ts";
import type { Session } from "./auth.ts";
import type { WebConfig } from "./config.ts";
import type { Lang, Translate } from "./i18n.ts";

export type ToastKind = "success" | "error" | "info";
export type Toast = { id: number; kind: ToastKind; title: string; body?: string; href?: string };

export type AppContext = {
  config: WebConfig;
  session: Session;
  lang: Lang;
  t: Translate;
  /** display time zone */
  tz: string;
  canWrite: boolean;
  toast: (t: Omit<Toast, "id">) => void;
  /** issue 14 (B): the scheduler's state, polled once for every page (null until loaded) */
  scheduler: SchedulerStatus | null;
  refreshScheduler: () => void;
  /** asks to pause (true) or resume (false) all schedules: a confirmation first */
  requestPause: (paused: boolean) => void;
};

export const Ctx = createContext<AppContext | null>(null);

export function useApp(): AppContext {
  const c = useContext(Ctx);
  if (!c) throw new Error("useApp outside <Ctx.Provider>");
  return c;
}

// The page's <h1>, which also sets the tab title ("<title> · jobdeck").
import { useEffect } from "preact/hooks";
import { useApp } from "../app-context.ts";
import type { MessageKey } from "../i18n.ts";

export function PageTitle({ titleKey }: { titleKey: MessageKey }) {
  const { t } = useApp();
  useEffect(() => {
    document.title = `${t(titleKey)} · jobdeck`;
  }, [t, titleKey]);
  return <h1>{t(titleKey)}</h1>;
}

// Newer / Older paging over a signed cursor kept in the URL.
import type { ComponentChildren } from "preact";
import { useApp } from "../app-context.ts";
import { setQuery } from "../router.ts";

/**
 * Newer / Older over a signed cursor kept in the URL (?cursor=). The cursors of the pages walked
 * so far are kept in memory, so Newer goes back one page; a shared link starts a new walk.
 */
export function Pager({
  cursor,
  next,
  stack,
  children,
}: {
  cursor: string;
  next: string | null | undefined;
  stack: { current: string[] };
  children?: ComponentChildren;
}) {
  const { t } = useApp();
  return (
    <nav class="pager" aria-label={t("pages")}>
      <button
        type="button"
        class="btn"
        disabled={!cursor}
        onClick={() => setQuery({ cursor: stack.current.pop() ?? null }, { push: true })}
      >
        ← {t("newer")}
      </button>
      {children}
      <button
        type="button"
        class="btn"
        disabled={!next}
        onClick={() => {
          stack.current.push(cursor);
          setQuery({ cursor: next ?? null }, { push: true });
        }}
      >
        {t("older")} →
      </button>
    </nav>
  );
}

// A run's own log lines (GET /v1/runs/{id}/logs), oldest first, a page at a time with "more". While
// the run changes and no later page was opened, the first page is read again (a cheap 304 if not).
import { useEffect, useState } from "preact/hooks";
import type { RunLogLine } from "#schemas/run-logs.ts";
import { api } from "../api.ts";
import { useApp } from "../app-context.ts";
import { fmtDateTime } from "../format.ts";
import { ErrorNote } from "./error-note.tsx";

const PAGE = 100;

const fieldText = (fields: Record<string, unknown>) =>
  Object.entries(fields)
    .map(([k, v]) => `${k}=${typeof v === "string" ? v : JSON.stringify(v)}`)
    .join(" ");

export function RunLog({ id, version }: { id: string; version: string }) {
  const { t, tz } = useApp();
  const [lines, setLines] = useState<RunLogLine[]>([]);
  const [next, setNext] = useState<string | null>(null);
  const [paged, setPaged] = useState(false);
  const [error, setError] = useState<Error | null>(null);
  const [loading, setLoading] = useState(false);

  // `version` (the run's updated_at) in the deps: a changed run re-reads the first page.
  useEffect(() => {
    if (paged) return;
    const ctl = new AbortController();
    api("GET /v1/runs/{execution_uuid}/logs", {
      path: { execution_uuid: id },
      query: { limit: PAGE },
      conditional: true,
      signal: ctl.signal,
    })
      .then((p) => {
        setLines(p.results);
        setNext(p.next_cursor);
        setError(null);
      })
      .catch((e: unknown) => {
        if (!(e instanceof DOMException && e.name === "AbortError"))
          setError(e instanceof Error ? e : new Error(String(e)));
      });
    return () => ctl.abort();
  }, [id, version, paged]);

  const more = async () => {
    if (!next) return;
    setLoading(true);
    try {
      const p = await api("GET /v1/runs/{execution_uuid}/logs", {
        path: { execution_uuid: id },
        query: { limit: PAGE, cursor: next },
      });
      setPaged(true);
      setLines((l) => [...l, ...p.results]);
      setNext(p.next_cursor);
    } catch (e) {
      setError(e instanceof Error ? e : new Error(String(e)));
    } finally {
      setLoading(false);
    }
  };

  return (
    <div class="run-log" data-testid="run-log">
      <ErrorNote error={error} />
      {lines.length === 0 && !error ? (
        <p class="muted">{t("log_empty")}</p>
      ) : (
        <div class="log-scroll">
          <table class="log-table">
            <thead>
              <tr>
                <th scope="col">{t("log_col_time")}</th>
                <th scope="col">{t("log_col_level")}</th>
                <th scope="col">{t("log_col_message")}</th>
              </tr>
            </thead>
            <tbody>
              {lines.map((l, i) => (
                <tr key={`${l.logged_at}-${i}`} class={`log-${l.level.toLowerCase()}`} data-testid="log-line">
                  <td class="mono small nowrap">
                    <time dateTime={l.logged_at}>{fmtDateTime(l.logged_at, tz).slice(11)}</time>
                  </td>
                  <td class="small">{l.level}</td>
                  {/* the log's own words, as the code wrote them: data, not the page's language */}
                  <td data-value="log">
                    <span class="log-message">{l.message}</span>
                    {Object.keys(l.fields).length > 0 && (
                      <span class="log-fields mono small"> {fieldText(l.fields)}</span>
                    )}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      {next && (
        <button type="button" class="btn small" disabled={loading} onClick={() => void more()}>
          {t("log_more")}
        </button>
      )}
    </div>
  );
}

// 監査ログ (admins): who did what and when, with what changed (before → after), newest first.
import { useRef, useState } from "preact/hooks";
import { AUDIT_ACTIONS, AuditActionSchema, type AuditEntry } from "#schemas/audit.ts";
import { api } from "../api.ts";
import { useApp } from "../app-context.ts";
import { LoadState } from "../components/load-state.tsx";
import { PageTitle } from "../components/page-title.tsx";
import { Pager } from "../components/pager.tsx";
import { When } from "../components/when.tsx";
import { usePoll } from "../hooks.ts";
import type { MessageKey } from "../i18n.ts";
import { setQuery, useLocation } from "../router.ts";

/** The action filter from the URL, when it names one (an edited URL just shows everything). */
const auditAction = (raw: string) => AuditActionSchema.safeParse(raw).data;

/** The fields that differ between before and after (all of one side when the other is absent). */
export function changes(e: Pick<AuditEntry, "before" | "after">): Array<[string, unknown, unknown]> {
  const keys = new Set([...Object.keys(e.before ?? {}), ...Object.keys(e.after ?? {})]);
  const out: Array<[string, unknown, unknown]> = [];
  for (const k of keys) {
    if (k === "updated_at" || k === "updated_by") continue;
    const b = e.before?.[k];
    const a = e.after?.[k];
    if (JSON.stringify(b) !== JSON.stringify(a)) out.push([k, b, a]);
  }
  return out;
}

const show = (v: unknown) => (v === undefined ? "—" : typeof v === "string" ? v : JSON.stringify(v));

export function AuditPage() {
  const { t } = useApp();
  const { query } = useLocation();
  const action = query.get("action") ?? "";
  const actor = query.get("actor") ?? "";
  const cursor = query.get("cursor") ?? "";
  const stack = useRef<string[]>([]);
  const [actorInput, setActorInput] = useState(actor);
  const page = usePoll(
    (signal) =>
      api("GET /v1/audit", {
        conditional: true,
        signal,
        query: {
          action: auditAction(action),
          actor: actor || undefined,
          cursor: cursor || undefined,
          limit: 50,
        },
      }),
    10_000,
    JSON.stringify([action, actor, cursor]),
  );
  return (
    <section>
      <PageTitle titleKey="audit_title" />
      <form
        class="filters"
        aria-label={t("filters")}
        onSubmit={(e) => {
          e.preventDefault();
          stack.current = [];
          setQuery({ actor: actorInput.trim(), cursor: null }, { push: true });
        }}
      >
        <label>
          {t("audit_action")}
          <select
            name="action"
            value={action}
            onChange={(e) => {
              stack.current = [];
              setQuery({ action: e.currentTarget.value, cursor: null }, { push: true });
            }}
          >
            <option value="">{t("all")}</option>
            {AUDIT_ACTIONS.map((a) => (
              <option key={a} value={a}>
                {t(`audit_${a.replace(".", "_")}` as MessageKey)}
              </option>
            ))}
          </select>
        </label>
        <label>
          {t("audit_actor")}
          <input name="actor" value={actorInput} onInput={(e) => setActorInput(e.currentTarget.value)} />
        </label>
        <button type="submit" class="btn small">
          {t("apply")}
        </button>
      </form>
      <div class="table-wrap">
        <table>
          <caption class="sr-only">{t("audit_title")}</caption>
          <thead>
            <tr>
              <th scope="col">{t("audit_when")}</th>
              <th scope="col">{t("audit_actor")}</th>
              <th scope="col">{t("audit_action")}</th>
              <th scope="col">{t("audit_target")}</th>
              <th scope="col">{t("audit_changes")}</th>
            </tr>
          </thead>
          <tbody>
            <LoadState
              as="row"
              colSpan={5}
              loading={page.loading}
              error={page.error}
              hasData={page.data !== null}
              isEmpty={page.data?.results.length === 0}
              onRetry={page.refresh}
              empty={t("audit_empty")}
            />
            {page.data?.results.map((e) => (
              <tr key={e.id} data-testid="audit-row" data-action={e.action}>
                <td class="nowrap">
                  <When iso={e.at} compact />
                </td>
                <td>{e.actor}</td>
                <td>{t(`audit_${e.action.replace(".", "_")}` as MessageKey)}</td>
                <td>
                  {e.action.startsWith("run.") ? (
                    <a href={`/runs/${e.target}`}>{e.target_name ?? e.target.slice(0, 8)}</a>
                  ) : e.action.startsWith("schedule.") && e.action !== "schedule.delete" ? (
                    <a href={`/schedules/${e.target}`}>{e.target_name ?? e.target}</a>
                  ) : (
                    (e.target_name ?? e.target)
                  )}
                </td>
                <td>
                  <ul class="plain small mono">
                    {changes(e)
                      .slice(0, 8)
                      .map(([k, b, a]) => (
                        <li key={k}>
                          {k}: {show(b)} → {show(a)}
                        </li>
                      ))}
                  </ul>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      <Pager cursor={cursor} next={page.data?.next_cursor} stack={stack} />
    </section>
  );
}

// A job's or schedule's "no next run" with its reason (issue 14, problems 1 and 2): a paused
// scheduler or a disabled job never shows a fire time as upcoming. The reasons: ../job-state.ts.
import type { JobView } from "../api.ts";
import { useApp } from "../app-context.ts";
import type { MessageKey } from "../i18n.ts";
import { jobBlock } from "../job-state.ts";
import { When } from "./when.tsx";

/** The reason as a flagged label, in place of a fire time. */
export function Blocked({ reason }: { reason: MessageKey }) {
  const { t } = useApp();
  return (
    <span class={`blocked blocked-${reason}`} data-reason={reason}>
      {t(reason)}
    </span>
  );
}

/** A job's next run, or why there is none (the jobs page's 次回実行). */
export function JobNextRun({ job }: { job: JobView }) {
  const { scheduler } = useApp();
  const reason = jobBlock(job, scheduler?.paused ?? false);
  return reason ? <Blocked reason={reason} /> : <When iso={job.next_scheduled_for} withSeconds={false} />;
}

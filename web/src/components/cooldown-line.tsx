// Issue 16 part 6: a job's cooldown after a manual run on its card ("手動実行後 1 時間はスケジュール
// 実行をスキップ"), and while one is in force, until when: the operator sees why a fire is skipped.
import type { JobView } from "../api.ts";
import { useApp } from "../app-context.ts";
import { fmtLimit } from "../runtime-words.ts";
import { When } from "./when.tsx";

export function CooldownLine({ cooldown }: { cooldown: NonNullable<JobView["cooldown"]> }) {
  const { t, lang } = useApp();
  return (
    <>
      <span>{t("cooldown_line", { limit: fmtLimit(cooldown.seconds_after_manual, lang) })}</span>
      {cooldown.until && (
        <span class="cooldown-active" data-testid="job-cooldown-active">
          {" "}
          · {t("cooldown_active")} <When iso={cooldown.until} withSeconds={false} />
        </span>
      )}
    </>
  );
}

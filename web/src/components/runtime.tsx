// Issue 15: a job's runtime ("Lambda", "Fargate · 1 vCPU · 2 GB" + Spot) and where a run's current
// attempt runs (its ECS task and log stream, or locally its child process).
import type { FargateSettings } from "#schemas/job.ts";
import type { RunTask } from "#schemas/run.ts";
import { useApp } from "../app-context.ts";
import { runtimeLine, taskPlace } from "../runtime-words.ts";

export function RuntimeLine({ job }: { job: { runtime: string; fargate: FargateSettings | null } }) {
  const { t } = useApp();
  return (
    <>
      <span class="runtime">{runtimeLine(t, job)}</span>
      {job.fargate?.spot && (
        <>
          {" "}
          <span class="tag" title={t("runtime_spot_tip")} data-testid="runtime-spot">
            {t("runtime_spot")}
          </span>
        </>
      )}
    </>
  );
}

/** The task line of a run page: "<task id> · log stream" (links) on ECS, "local process pid 12345" locally. */
export function TaskLine({ task, runAttempt }: { task: RunTask; runAttempt: number }) {
  const { t } = useApp();
  const place = taskPlace(task);
  // an earlier attempt's task (the next one has not started yet) says which attempt it was
  const attempt = task.attempt !== runAttempt ? ` · ${t("task_attempt", { n: task.attempt })}` : "";
  if (place.kind === "local")
    return (
      <span data-testid="task-local">
        {t("task_local", { pid: place.pid ?? "?" })}
        {attempt}
      </span>
    );
  return (
    <span data-testid="task-ecs">
      {task.console_url ? (
        <a
          href={task.console_url}
          target="_blank"
          rel="noreferrer"
          class="mono small"
          title={t("task_console_tip", { id: place.id })}
          data-testid="task-console"
        >
          {place.id}
        </a>
      ) : (
        <span class="mono small">{place.id}</span>
      )}
      {task.log_stream_url && (
        <>
          {" · "}
          <a href={task.log_stream_url} target="_blank" rel="noreferrer" data-testid="task-log-stream">
            {t("task_log_stream")}
          </a>
        </>
      )}
      {attempt}
    </span>
  );
}

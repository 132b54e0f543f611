// Issue 15: where a job runs and how long it may, in the operator's units. A Hangfire or Dagster
// operator reads "Fargate · 1 vCPU · 2 GB" and "4 h", not "cpu 1024, memory_mb 2048, 14400 s".
// Pure functions (no Preact): the unit tests call them as the components do.
import type { FargateSettings } from "#schemas/job.ts";
import type { RunTask } from "#schemas/run.ts";
import type { Lang, Translate } from "./i18n.ts";

/** 0.25 / 0.5 / 1 / 2: at most two decimals, none when whole (Fargate sizes are quarters and halves). */
const units = (n: number): string => String(Math.round(n * 100) / 100);

/** "1 vCPU · 2 GB": a task's size from Fargate's CPU units (1024 = 1 vCPU) and MiB. */
export function fargateSize(f: Pick<FargateSettings, "cpu" | "memory_mb">): { cpu: string; memory: string } {
  return { cpu: units(f.cpu / 1024), memory: units(f.memory_mb / 1024) };
}

/** "Lambda" or "Fargate · 1 vCPU · 2 GB" (Spot is a separate badge: it changes what may happen to a run). */
export function runtimeLine(t: Translate, job: { runtime: string; fargate: FargateSettings | null }): string {
  if (job.runtime !== "fargate" || !job.fargate) return t("runtime_lambda");
  return t("runtime_fargate_size", fargateSize(job.fargate));
}

/**
 * A limit in the largest units that say it exactly: 900 → "15 分" / "15 min", 14400 → "4 時間" / "4 h",
 * 5400 → "1 時間 30 分" / "1 h 30 min", 90 → "1 分 30 秒" / "1 min 30 s". Hours drop stray seconds
 * (a 12-hour budget is not read to the second).
 */
export function fmtLimit(seconds: number, lang: Lang): string {
  const ja = lang === "ja";
  const s = Math.max(0, Math.round(seconds));
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  const sec = s % 60;
  const part = (n: number, jaUnit: string, enUnit: string) => `${n} ${ja ? jaUnit : enUnit}`;
  const parts: string[] = [];
  if (h > 0) {
    parts.push(part(h, "時間", "h"));
    if (m > 0) parts.push(part(m, "分", "min"));
  } else {
    if (m > 0) parts.push(part(m, "分", "min"));
    if (sec > 0 || m === 0) parts.push(part(sec, "秒", "s"));
  }
  return parts.join(" ");
}

/** Where an attempt runs: an ECS task (its id, the ARN's last part) or, locally, a child process. */
export type TaskPlace = { kind: "ecs"; id: string } | { kind: "local"; pid: number | null };

export function taskPlace(task: Pick<RunTask, "id" | "pid">): TaskPlace {
  const local = /^local:pid:(\d+)$/.exec(task.id);
  if (task.pid != null || local) return { kind: "local", pid: task.pid ?? Number(local?.[1]) };
  // arn:aws:ecs:<region>:<account>:task/<cluster>/<task id>: the console and `aws ecs` name it by the id
  return { kind: "ecs", id: task.id.split("/").pop() || task.id };
}

/**
 * A fargate attempt that has not reported progress yet is most likely still starting (image pull,
 * network interface): 30–90 s is normal, not a fault, and the page says so calmly.
 */
export function isTaskStarting(
  run: { status: string; progress: unknown; retry_at: string | null },
  runtime: string | undefined,
): boolean {
  return runtime === "fargate" && run.status === "RUNNING" && !run.retry_at && run.progress == null;
}

// Why a fargate job's task stopped, in one readable line (issue 15). When a task dies without
// reporting its end (killed, out of memory, never started), Step Functions fails the RunWorker
// state (ecs:runTask.sync) with States.TaskFailed and, as its Cause, the task as ECS's
// DescribeTasks describes it, in PascalCase: `StopCode`, `StoppedReason`, `Containers[].ExitCode`,
// `Containers[].Reason`. The local runner raises the same shape (one reading serves both hosts).
// Pure; tested alone with realistic causes.

/** What the summary may say about the job's own settings (its task's memory, its stop timeout). */
export type TaskSettingsHint = { memoryMb?: number; stopTimeoutSeconds?: number };

type Obj = Record<string, unknown>;

const isObj = (v: unknown): v is Obj => typeof v === "object" && v !== null && !Array.isArray(v);

/** A field by its PascalCase name, or the camelCase one ECS's own API uses. */
function field(o: Obj, pascal: string): unknown {
  if (pascal in o) return o[pascal];
  const camel = pascal[0]?.toLowerCase() + pascal.slice(1);
  return o[camel];
}

const text = (v: unknown): string | null => (typeof v === "string" && v.trim() ? v.trim() : null);

/** The ECS task a cause describes (the task itself, or a DescribeTasks answer holding it), else null. */
export function ecsTaskOf(cause: unknown): Obj | null {
  let value = cause;
  if (typeof value === "string") {
    try {
      value = JSON.parse(value);
    } catch {
      return null;
    }
  }
  if (!isObj(value)) return null;
  const tasks = field(value, "Tasks");
  if (Array.isArray(tasks) && isObj(tasks[0])) value = tasks[0];
  if (!isObj(value)) return null;
  const looksLikeTask =
    text(field(value, "TaskArn")) !== null ||
    Array.isArray(field(value, "Containers")) ||
    text(field(value, "StoppedReason")) !== null ||
    text(field(value, "StopCode")) !== null;
  return looksLikeTask ? value : null;
}

type Container = { name: string | null; exitCode: number | null; reason: string | null };

function containersOf(task: Obj): Container[] {
  const list = field(task, "Containers");
  if (!Array.isArray(list)) return [];
  return list.filter(isObj).map((c) => {
    const code = field(c, "ExitCode");
    return {
      name: text(field(c, "Name")),
      exitCode: typeof code === "number" && Number.isFinite(code) ? code : null,
      reason: text(field(c, "Reason")),
    };
  });
}

/** The signal behind a shell-style exit code (128 + n). */
const SIGNALS: Record<number, string> = { 134: "SIGABRT", 137: "SIGKILL", 139: "SIGSEGV", 143: "SIGTERM" };

/** ECS's words for a task that could not get its image or its network interface. */
const START_ERRORS = /CannotPullContainerError|ResourceInitializationError/i;

/** The id at the end of a task ARN (…:task/<cluster>/<id>), for a short mention. */
const taskId = (arn: string | null) => (arn ? (arn.split("/").pop() ?? arn) : null);

/**
 * One line saying why the task stopped, or null when `cause` is not an ECS task. The job's memory
 * and stop timeout, when known, make the advice concrete.
 */
export function describeEcsTaskStop(cause: unknown, hint: TaskSettingsHint = {}): string | null {
  const task = ecsTaskOf(cause);
  if (!task) return null;
  const stopCode = text(field(task, "StopCode"));
  const stopped = text(field(task, "StoppedReason"));
  const containers = containersOf(task);
  // The job's container ("job") first; a sidecar's exit says less.
  const main = containers.find((c) => c.name === "job") ?? containers.find((c) => c.exitCode !== null);
  const reasons = [stopped, ...containers.map((c) => c.reason)].filter((r): r is string => r !== null);
  const id = taskId(text(field(task, "TaskArn")));
  const ofTask = id ? ` (task ${id})` : "";
  const memory = hint.memoryMb ? `${hint.memoryMb} MB` : "memory";

  const oom = containers.find((c) => c.reason && /OutOfMemory/i.test(c.reason));
  if (oom) {
    return (
      `out of memory: the container used more than the task's ${memory} and was killed` +
      `${oom.exitCode !== null ? ` (exit ${oom.exitCode})` : ""}: ${oom.reason}${ofTask}; ` +
      "give the job more memory (resources.memory_mb) or hold less in memory at once"
    );
  }
  if (stopCode === "SpotInterruption" || (stopped && /spot interruption/i.test(stopped))) {
    return (
      `Fargate Spot interruption: AWS reclaimed the Spot capacity the task ran on` +
      `${stopped ? ` (${stopped})` : ""}${ofTask}; the job itself did not fail — run it again, ` +
      "or set spot: false for runs that must not be interrupted"
    );
  }
  const startError = reasons.find((r) => START_ERRORS.test(r));
  if (startError) {
    return (
      `the task could not start: ${startError}${ofTask}. A Fargate task needs internet access to pull its ` +
      "image and fetch its bundle: run it in a public subnet with a public IP (AssignPublicIp ENABLED), " +
      "or give its subnets a NAT gateway or VPC endpoints"
    );
  }
  if (stopCode === "TaskFailedToStart") {
    return `the task could not start: ${reasons.join("; ") || "ECS gave no reason"}${ofTask}`;
  }
  const why = stopped ? `: ${stopped}` : "";
  if (main?.exitCode === 137) {
    const grace = hint.stopTimeoutSeconds ? `${hint.stopTimeoutSeconds} s` : "its stop timeout";
    return (
      `the container was killed (exit 137, SIGKILL)${why}${ofTask}: out of memory (the task's ${memory}), ` +
      `or it did not stop within ${grace} after SIGTERM`
    );
  }
  if (main && main.exitCode !== null && main.exitCode !== 0) {
    const signal = SIGNALS[main.exitCode];
    const detail = [stopped, main.reason].filter(Boolean).join("; ");
    return (
      `the container exited with code ${main.exitCode}${signal ? ` (${signal})` : ""} before reporting ` +
      `its result${detail ? `: ${detail}` : ""}${ofTask}; its log stream says why`
    );
  }
  return `the task stopped${stopCode ? ` (${stopCode})` : ""}${why || ": ECS gave no reason"}${ofTask}`;
}

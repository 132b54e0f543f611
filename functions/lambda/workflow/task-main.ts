// The container entry of a fargate job's task (issue 15): the bundle the task's bootstrap requires.
// Requiring it runs the job's attempt (task-host.ts) and ends the process with its exit code
// (0: the outcome was reported; non-zero: reporting failed, ECS's stop reason tells the workflow).
import { main } from "./task-host.ts";

main().then(
  (code) => process.exit(code),
  (e: unknown) => {
    console.error(JSON.stringify({ level: "ERROR", message: "the task failed", error: String(e) }));
    process.exit(1);
  },
);

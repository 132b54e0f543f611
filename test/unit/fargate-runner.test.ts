// The local fargate runner's Cause for a task that stopped without reporting: ECS DescribeTasks'
// task as Step Functions puts it in States.TaskFailed, so one summary code reads both hosts.
import { describe, expect, it } from "vitest";
import { exitCodeOf, stoppedTaskCause } from "#local/fargate-runner.ts";

describe("stoppedTaskCause", () => {
  it("a child killed by SIGKILL from outside: exit 137, the signal named, the container exited", () => {
    const cause = JSON.parse(stoppedTaskCause("local:pid:42", { code: null, signal: "SIGKILL" }, null));
    expect(cause).toEqual({
      TaskArn: "local:pid:42",
      LastStatus: "STOPPED",
      StopCode: "EssentialContainerExited",
      StoppedReason: expect.stringContaining("SIGKILL"),
      Containers: [{ Name: "job", ExitCode: 137, Reason: expect.stringContaining("SIGKILL") }],
    });
  });

  it("a child the runner stopped: UserInitiated with the runner's reason; SIGTERM is 143", () => {
    const cause = JSON.parse(
      stoppedTaskCause("local:pid:7", { code: null, signal: "SIGTERM" }, "Execution stopped (StopExecution)"),
    );
    expect(cause).toMatchObject({
      StopCode: "UserInitiated",
      StoppedReason: "Execution stopped (StopExecution)",
      Containers: [{ ExitCode: 143 }],
    });
  });

  it("a child that exited by itself keeps its code", () => {
    expect(exitCodeOf(1, null)).toBe(1);
    expect(exitCodeOf(0, null)).toBe(0);
    const cause = JSON.parse(stoppedTaskCause("local:pid:9", { code: 1, signal: null }, null));
    expect(cause.Containers[0]).toEqual({ Name: "job", ExitCode: 1, Reason: "process exited with code 1" });
  });
});

// Issue 15: how the admin page says where a job runs and how long it may (web/src/runtime-words.ts).
import { describe, expect, it } from "vitest";
import { translator } from "#web/i18n.ts";
import { fargateSize, fmtLimit, isTaskStarting, runtimeLine, taskPlace } from "#web/runtime-words.ts";

const FARGATE = { cpu: 1024, memory_mb: 2048, spot: true, heartbeat_seconds: 600, stop_timeout_seconds: 30 };

describe("runtime words", () => {
  it("says a limit in the largest units that say it exactly, in both languages", () => {
    const cases: [number, string, string][] = [
      [900, "15 分", "15 min"],
      [14_400, "4 時間", "4 h"],
      [43_200, "12 時間", "12 h"],
      [5400, "1 時間 30 分", "1 h 30 min"],
      [90, "1 分 30 秒", "1 min 30 s"],
      [120, "2 分", "2 min"],
      [45, "45 秒", "45 s"],
      [3661, "1 時間 1 分", "1 h 1 min"],
    ];
    for (const [s, ja, en] of cases) {
      expect(fmtLimit(s, "ja"), String(s)).toBe(ja);
      expect(fmtLimit(s, "en"), String(s)).toBe(en);
    }
  });

  it("names a task's size in vCPU and GB from Fargate's CPU units and MiB", () => {
    expect(fargateSize({ cpu: 1024, memory_mb: 2048 })).toEqual({ cpu: "1", memory: "2" });
    expect(fargateSize({ cpu: 256, memory_mb: 512 })).toEqual({ cpu: "0.25", memory: "0.5" });
    expect(fargateSize({ cpu: 4096, memory_mb: 30_720 })).toEqual({ cpu: "4", memory: "30" });
    expect(runtimeLine(translator("en"), { runtime: "fargate", fargate: FARGATE })).toBe(
      "Fargate · 1 vCPU · 2 GB",
    );
    expect(runtimeLine(translator("ja"), { runtime: "lambda", fargate: null })).toBe("Lambda");
  });

  it("reads where an attempt runs: the ECS task id from its ARN, or the local child's pid", () => {
    expect(
      taskPlace({ id: "arn:aws:ecs:ap-northeast-1:123456789012:task/jobdeck/abc123", pid: null }),
    ).toEqual({
      kind: "ecs",
      id: "abc123",
    });
    expect(taskPlace({ id: "local:pid:4321", pid: 4321 })).toEqual({ kind: "local", pid: 4321 });
    expect(taskPlace({ id: "local:pid:4321", pid: null })).toEqual({ kind: "local", pid: 4321 });
  });

  it("calls a fargate run starting only while it runs with no progress and no retry wait", () => {
    const run = { status: "RUNNING", progress: null, retry_at: null };
    expect(isTaskStarting(run, "fargate")).toBe(true);
    expect(isTaskStarting(run, "lambda")).toBe(false);
    expect(isTaskStarting(run, undefined)).toBe(false);
    expect(isTaskStarting({ ...run, progress: { stages: [] } }, "fargate")).toBe(false);
    expect(isTaskStarting({ ...run, retry_at: "2026-11-29T10:00:00Z" }, "fargate")).toBe(false);
    expect(isTaskStarting({ ...run, status: "SUCCESS" }, "fargate")).toBe(false);
  });
});

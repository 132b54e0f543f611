// Issue 11 items 2 (the JVM), 3, 8 (its process group) and 9 (telemetry, heap): DynamoDB Local as
// the local stack starts it. Each test starts its own JVM on its own data folder; the shared one of
// the other files is never touched. Addresses are read from the process's sockets: no traffic goes
// anywhere but 127.0.0.1.
import { existsSync, mkdtempSync, readdirSync, readFileSync, readlinkSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { GetItemCommand, PutItemCommand } from "@aws-sdk/client-dynamodb";
import { afterEach, describe, expect, it } from "vitest";
import { tableNames } from "#adapters/table-definitions.ts";
import { startDynamoDbLocal } from "#local/dynamodb-local.ts";
import { ensureTables } from "#local/dynamodb-tables.ts";
import { PROJECT_ROOT } from "#local/project-root.ts";

const cleanup: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const f of cleanup.splice(0).reverse()) await f();
});

async function start(opts: Partial<Parameters<typeof startDynamoDbLocal>[0]> = {}) {
  const root = mkdtempSync(join(tmpdir(), "jobdeck-ddb-sup-"));
  const dataDir = join(root, "dynamodb");
  const ddb = await startDynamoDbLocal({ dataDir, ...opts });
  cleanup.push(() => rmSync(root, { recursive: true, force: true }));
  cleanup.push(() => ddb.stop());
  return { ddb, dataDir };
}

/** The JVM's pid, as the stack records it in the data folder (the file a later start reads). */
const jvmPid = (dataDir: string) => Number(readFileSync(join(dataDir, "dynamodb-local.pid"), "utf8").trim());
const alive = (pid: number) =>
  existsSync(`/proc/${pid}`) && !readFileSync(`/proc/${pid}/stat`, "utf8").includes(") Z ");
const cmdline = (pid: number) => readFileSync(`/proc/${pid}/cmdline`, "utf8").split("\0");

/** Local addresses of the TCP sockets process `pid` listens on, from /proc (no traffic sent). */
function listeningAddresses(pid: number): string[] {
  const inodes = new Set<string>();
  for (const fd of readdirSync(`/proc/${pid}/fd`)) {
    try {
      const m = /^socket:\[(\d+)\]$/.exec(readlinkSync(`/proc/${pid}/fd/${fd}`));
      if (m?.[1]) inodes.add(m[1]);
    } catch {
      // closed meanwhile
    }
  }
  const out: string[] = [];
  for (const [file, v6] of [
    ["tcp", false],
    ["tcp6", true],
  ] as const) {
    const lines = readFileSync(`/proc/${pid}/net/${file}`, "utf8").trim().split("\n").slice(1);
    for (const line of lines) {
      const f = line.trim().split(/\s+/);
      const [local, state, inode] = [f[1] ?? "", f[3], f[9] ?? ""];
      if (state !== "0A" || !inodes.has(inode)) continue; // 0A = LISTEN
      const [hex = "", portHex = "0"] = local.split(":");
      out.push(`${v6 ? decode6(hex) : decode4(hex)}:${Number.parseInt(portHex, 16)}`);
    }
  }
  return out;
}
const decode4 = (hex: string) =>
  (hex.match(/../g) ?? [])
    .reverse()
    .map((b) => Number.parseInt(b, 16))
    .join(".");
function decode6(hex: string): string {
  // /proc prints the address as four host-order (little-endian) 32-bit words.
  const bytes = (hex.match(/.{8}/g) ?? []).flatMap((w) => (w.match(/../g) ?? []).reverse());
  if (bytes.slice(0, 10).every((b) => b === "00") && bytes[10] === "FF" && bytes[11] === "FF")
    return `::ffff:${bytes
      .slice(12)
      .map((b) => Number.parseInt(b, 16))
      .join(".")}`;
  if (bytes.every((b) => b === "00")) return "::";
  if (bytes.slice(0, 15).every((b) => b === "00") && bytes[15] === "01") return "::1";
  return bytes.join("");
}

async function until(what: string, ok: () => boolean | Promise<boolean>, timeoutMs: number) {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (await ok()) return;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`timed out after ${timeoutMs} ms waiting for: ${what}`);
}

describe("DynamoDB Local as the local stack runs it", () => {
  it("DynamoDB Local answers only on 127.0.0.1", async () => {
    const { ddb, dataDir } = await start();
    const pid = jvmPid(dataDir);
    const port = Number(new URL(ddb.endpoint).port);
    const addrs = listeningAddresses(pid);
    expect(addrs.map((a) => a.replace(/:\d+$/, ""))).not.toContain("0.0.0.0");
    expect(addrs.length).toBeGreaterThan(0);
    for (const a of addrs)
      expect(a, `JVM listens on ${a}`).toMatch(/^(127\.0\.0\.1|::ffff:127\.0\.0\.1|::1):\d+$/);
    expect(addrs.some((a) => a.endsWith(`:${port}`))).toBe(true);
  });

  it("telemetry is off and no metadata file lands in the working tree", async () => {
    const before = existsSync(join(process.cwd(), "dynamodb-local-metadata.json"));
    const { dataDir } = await start();
    const pid = jvmPid(dataDir);
    expect(cmdline(pid)).toContain("-disableTelemetry");
    // Nothing in the repository or the test's working directory, before or after the start.
    expect(existsSync(join(PROJECT_ROOT, "dynamodb-local-metadata.json"))).toBe(false);
    expect(before).toBe(false);
    expect(existsSync(join(process.cwd(), "dynamodb-local-metadata.json"))).toBe(false);
    // The JVM works in the data folder: whatever it writes beside its database stays there.
    expect(readlinkSync(`/proc/${pid}/cwd`)).toBe(dataDir);
    const metadata = join(dataDir, "dynamodb-local-metadata.json");
    if (existsSync(metadata))
      expect(JSON.parse(readFileSync(metadata, "utf8")).telemetryEnabled).toBe("false");
  });

  it("the JVM heap is capped", async () => {
    const { dataDir } = await start();
    const xmx = cmdline(jvmPid(dataDir)).find((a) => a.startsWith("-Xmx"));
    expect(xmx).toMatch(/^-Xmx\d+m$/);
    expect(Number(xmx?.slice(4, -1))).toBeLessThanOrEqual(512);
  });

  it("DynamoDB Local runs in its own process group, so a Ctrl-C to the terminal does not reach it", async () => {
    const { dataDir } = await start();
    const pgrp = (pid: number | string) =>
      readFileSync(`/proc/${pid}/stat`, "utf8").split(") ")[1]?.split(" ")[2];
    expect(pgrp(jvmPid(dataDir))).not.toBe(pgrp("self"));
  });

  it("the JVM is restarted within 10 s of being killed, on the same data", async () => {
    const { ddb, dataDir } = await start();
    const seen: string[] = [];
    ddb.onStatus((s) => seen.push(s));
    expect(ddb.status()).toBe("up");
    const tables = tableNames("sup");
    await ensureTables(ddb.client, tables);
    await ddb.client.send(
      new PutItemCommand({
        TableName: tables.control,
        Item: { pk: { S: "k" }, sk: { S: "v" }, x: { S: "kept" } },
      }),
    );
    const first = jvmPid(dataDir);
    const killedAt = Date.now();
    process.kill(first, "SIGKILL");
    await until("status down", () => ddb.status() !== "up", 5000);
    await until("status up again", () => ddb.status() === "up", 10_000);
    const second = jvmPid(dataDir);
    expect(second).not.toBe(first);
    expect(alive(second)).toBe(true);
    // Same port (the endpoint every client holds) and same data.
    const got = await ddb.client.send(
      new GetItemCommand({ TableName: tables.control, Key: { pk: { S: "k" }, sk: { S: "v" } } }),
    );
    expect(got.Item?.x?.S).toBe("kept");
    expect(Date.now() - killedAt).toBeLessThan(10_000);
    expect(seen[0]).not.toBe("up");
    expect(seen.at(-1)).toBe("up");
  });

  it("a JVM that stops answering is restarted", async () => {
    const { ddb, dataDir } = await start({ probeIntervalMs: 300, probeTimeoutMs: 500 });
    const first = jvmPid(dataDir);
    process.kill(first, "SIGSTOP"); // alive, holds the port, answers nothing
    try {
      await until("status down", () => ddb.status() !== "up", 5000);
      await until("status up again", () => ddb.status() === "up", 10_000);
      expect(jvmPid(dataDir)).not.toBe(first);
      await until("the hung JVM is gone", () => !alive(first), 5000);
    } finally {
      if (alive(first)) process.kill(first, "SIGKILL");
    }
  });

  it("stop() ends the JVM for good: no restart after it", async () => {
    const { ddb, dataDir } = await start();
    const pid = jvmPid(dataDir);
    await ddb.stop();
    expect(alive(pid)).toBe(false);
    expect(ddb.status()).toBe("down");
    await new Promise((r) => setTimeout(r, 1500));
    expect(existsSync(join(dataDir, "dynamodb-local.pid"))).toBe(false);
    expect(ddb.status()).toBe("down");
  });
});

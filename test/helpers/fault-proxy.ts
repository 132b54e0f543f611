// A TCP proxy on 127.0.0.1 in front of a dependency (the shared DynamoDB Local), which a test can
// cut and heal: outages are injected without killing anything other test files share.
//   up      — bytes flow both ways
//   reset   — every open connection is destroyed and new ones are reset at once (ECONNRESET,
//             "socket hang up": a process that died)
//   hang    — connections are accepted and never answered (a stalled or paused process)
import { createConnection, createServer, type Server, type Socket } from "node:net";

export type FaultMode = "up" | "reset" | "hang";

export type FaultProxy = {
  /** http://127.0.0.1:<port>, to use as the dependency's endpoint */
  endpoint: string;
  mode(): FaultMode;
  /** Switches the mode; leaving `up` ends every open connection. */
  set(mode: FaultMode): void;
  cut(): void;
  heal(): void;
  /** Connections accepted so far (all modes). */
  connections(): number;
  close(): Promise<void>;
};

export async function startFaultProxy(target: string): Promise<FaultProxy> {
  const { hostname, port } = new URL(target);
  if (hostname !== "127.0.0.1" && hostname !== "localhost")
    throw new Error(`the fault proxy only forwards to loopback, not ${hostname}`);
  let mode: FaultMode = "up";
  let accepted = 0;
  const open = new Set<Socket>();
  const track = (s: Socket) => {
    open.add(s);
    s.on("close", () => open.delete(s));
    s.on("error", () => s.destroy());
  };
  const server: Server = createServer((client) => {
    accepted++;
    track(client);
    if (mode === "reset") {
      client.resetAndDestroy();
      return;
    }
    if (mode === "hang") {
      client.pause(); // read nothing, answer nothing
      return;
    }
    const upstream = createConnection({ host: "127.0.0.1", port: Number(port) });
    track(upstream);
    upstream.on("close", () => client.destroy());
    client.on("close", () => upstream.destroy());
    client.pipe(upstream);
    upstream.pipe(client);
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => resolve());
  });
  const addr = server.address();
  const endpoint = `http://127.0.0.1:${typeof addr === "object" && addr ? addr.port : 0}`;
  const dropAll = () => {
    for (const s of open) s.destroy();
    open.clear();
  };
  const set = (next: FaultMode) => {
    if (next === mode) return;
    mode = next;
    // Connections opened in one mode do not survive into another (keep-alive sockets included).
    dropAll();
  };
  return {
    endpoint,
    mode: () => mode,
    set,
    cut: () => set("reset"),
    heal: () => set("up"),
    connections: () => accepted,
    close: async () => {
      dropAll();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

// Which Host and Origin the local server answers to (DNS rebinding) and which peers are loopback.
// Security checks kept apart from serving so they can be read and tested on their own.
import { isIP } from "node:net";
import { hostname } from "node:os";

export const isLoopback = (addr: string | undefined) =>
  !!addr && (addr === "::1" || addr.startsWith("127.") || addr.startsWith("::ffff:127."));

const LOOPBACK_NAMES = new Set(["localhost", "127.0.0.1", "[::1]"]);
const WILDCARD_HOSTS = new Set(["", "0.0.0.0", "::", "[::]"]);

/** `name:port` of a Host header (or an Origin's host), lower-cased, IPv6 in brackets; null if malformed. */
function splitHost(value: string): { name: string; port: number | null } | null {
  const m = /^(\[[0-9a-f:.]+\]|[^:[\]]+)(?::(\d{1,5}))?$/i.exec(value.trim());
  if (!m?.[1]) return null;
  return { name: m[1].toLowerCase().replace(/\.$/, ""), port: m[2] ? Number(m[2]) : null };
}

/**
 * Which `Host` values the server answers to (DNS rebinding): a page of another site that points its
 * own DNS name at 127.0.0.1 sends that name as Host, so only loopback names are accepted, plus the
 * name in HOST when it is set to something else. HOST=0.0.0.0 / :: (every interface) also accepts
 * this machine's name and any IP literal (a literal involves no DNS, so it cannot be rebound).
 */
export function hostChecker(configuredHost: string, port: number): (host: string | undefined) => boolean {
  const configured = configuredHost.trim().toLowerCase();
  const wildcard = WILDCARD_HOSTS.has(configured);
  const allowed = new Set(LOOPBACK_NAMES);
  if (wildcard) allowed.add(hostname().toLowerCase());
  else allowed.add(isIP(configured) === 6 ? `[${configured}]` : configured.replace(/\.$/, ""));
  return (host) => {
    const h = host ? splitHost(host) : null;
    if (!h || (h.port ?? 80) !== port) return false;
    if (allowed.has(h.name)) return true;
    const literal = h.name.startsWith("[") ? h.name.slice(1, -1) : h.name;
    return wildcard && isIP(literal) !== 0;
  };
}

/**
 * What a session's list shows of where it was opened, so a person can tell
 * their sessions apart ("Firefox on Windows, 203.0.113.x") without the server
 * keeping more than that: the browser and system parsed from the User-Agent at
 * sign-in (by bowser, MIT), and the address cut to its network — an IPv4 /24,
 * an IPv6 /48 — never the full address.
 */
import Bowser from "bowser";
import ipaddr from "ipaddr.js";

export interface SessionClient {
  /** "Firefox 121", "Chrome 120"; null when the User-Agent names none (scripts, curl). */
  browser: string | null;
  /** "Windows 10", "macOS", "Linux"; null when unknown. */
  system: string | null;
  /** "203.0.113.x", "2001:db8:1::x" (/48); null when unknown. */
  address: string | null;
}

/** Text from a client is kept short: a User-Agent can be 16 KiB. */
const FIELD_MAX = 64;
const short = (s: string | undefined) => (s ? s.slice(0, FIELD_MAX) : null);

/** The browser and system a User-Agent names, with their major versions. */
export function describeUserAgent(userAgent: string | null): Pick<SessionClient, "browser" | "system"> {
  if (!userAgent) return { browser: null, system: null };
  const { browser, os } = Bowser.parse(userAgent.slice(0, 1024));
  const major = (v: string | undefined) => v?.split(".")[0];
  const join = (name: string | undefined, version: string | undefined) =>
    name ? [name, version].filter(Boolean).join(" ") : undefined;
  return {
    browser: short(join(browser.name, major(browser.version))),
    system: short(join(os.name, os.versionName ?? major(os.version))),
  };
}

/** The network of an address, as text: `203.0.113.7` → `203.0.113.x`; `2001:db8:1:2::5` → `2001:db8:1::x`. */
export function coarseAddress(ip: string | null): string | null {
  if (!ip || !ipaddr.isValid(ip)) return null;
  let addr = ipaddr.parse(ip);
  if (addr.kind() === "ipv6" && (addr as ipaddr.IPv6).isIPv4MappedAddress())
    addr = (addr as ipaddr.IPv6).toIPv4Address();
  if (addr.kind() === "ipv4") return `${addr.toByteArray().slice(0, 3).join(".")}.x`;
  const parts = (addr as ipaddr.IPv6).parts.slice(0, 3).map((p) => p.toString(16));
  return `${parts.join(":")}::x`;
}

export function describeClient(client: { userAgent: string | null; ip: string | null }): SessionClient {
  return { ...describeUserAgent(client.userAgent), address: coarseAddress(client.ip) };
}

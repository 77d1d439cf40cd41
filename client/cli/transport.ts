/** Whether the CLI is about to send a secret where the network can read it. */
import { english, type Translate } from "../../shared/i18n/index.ts";

/** Names and addresses of this machine: plain HTTP to them never leaves it. */
export function isLoopbackHost(hostname: string): boolean {
  const host = hostname.toLowerCase().replace(/^\[|\]$/g, "");
  if (host === "localhost" || host.endsWith(".localhost")) return true;
  if (host === "::1" || host === "0:0:0:0:0:0:0:1") return true;
  // 127.0.0.0/8, also as an IPv4-mapped IPv6 address (URL writes it in hex: ::ffff:7f00:1).
  if (/^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(host)) return true;
  return /^::ffff:7f[0-9a-f]{2}:[0-9a-f]{1,4}$/.test(host);
}

/**
 * A warning for stderr when `what` (a session token, a password) would go over
 * plain HTTP to another machine, else null.
 */
export function plainHttpWarning(serverUrl: string, what: string, t: Translate = english): string | null {
  const url = new URL(serverUrl);
  if (url.protocol !== "http:" || isLoopbackHost(url.hostname)) return null;
  return t("cli.plainHttp", { what, host: url.host });
}

/**
 * Who the client is, for per-address limits. Without TRUST_PROXY it is the
 * socket's peer, whatever the headers say. Behind proxies it is read from
 * X-Forwarded-For (or Forwarded) right to left, and only through hops we trust:
 * every proxy appends the address it saw, so entries left of the last trusted
 * hop are whatever the client wrote and prove nothing.
 *
 * Limits then count an IPv6 client per /64 (one subscriber usually holds a
 * whole /64, so counting single addresses would let it take 2^64 slots), and an
 * IPv4-mapped IPv6 address as the IPv4 address it is.
 */
import ipaddr from "ipaddr.js";

type Address = ipaddr.IPv4 | ipaddr.IPv6;

/** Which hops may tell us who they forwarded for. */
export type TrustProxy =
  | { readonly kind: "none" }
  /** The nearest `hops` proxies (the socket's peer is the first). */
  | { readonly kind: "hops"; readonly hops: number }
  /** Proxies whose address falls in one of these ranges. */
  | { readonly kind: "ranges"; readonly ranges: readonly (readonly [Address, number])[] };

export type ForwardedHeader = "x-forwarded-for" | "forwarded";

export interface ClientAddressOptions {
  trust: TrustProxy;
  /** The header the trusted proxies maintain; the other one is ignored (a client could write it). */
  header: ForwardedHeader;
}

/**
 * TRUST_PROXY: unset or "" (no proxy), a hop count ("1"), or a comma list of
 * addresses and CIDR ranges ("10.0.0.0/8, 192.0.2.7, fd00::/8"). Throws on anything else.
 */
export function parseTrustProxy(value: string | undefined): TrustProxy {
  const text = value?.trim() ?? "";
  if (text === "" || text === "0") return { kind: "none" };
  if (/^\d+$/.test(text)) {
    const hops = Number(text);
    if (hops > 32) throw new Error("a hop count is at most 32");
    return { kind: "hops", hops };
  }
  const ranges = text.split(",").map((part) => {
    const item = part.trim();
    if (item.includes("/")) {
      if (!ipaddr.isValidCIDR(item)) throw new Error(`'${item}' is not an address range`);
      const [range, bits] = ipaddr.parseCIDR(item);
      return normalizeRange(range, bits);
    }
    const address = parseAddress(item);
    if (!address) throw new Error(`'${item}' is not an address`);
    return [address, address.kind() === "ipv4" ? 32 : 128] as const;
  });
  return { kind: "ranges", ranges };
}

/** An IPv4-mapped range (::ffff:10.0.0.0/104) is the IPv4 range it maps. */
function normalizeRange(range: Address, bits: number): readonly [Address, number] {
  if (range.kind() === "ipv6" && (range as ipaddr.IPv6).isIPv4MappedAddress() && bits >= 96) {
    return [(range as ipaddr.IPv6).toIPv4Address(), bits - 96];
  }
  return [range, bits];
}

/**
 * One address as a header or the socket gives it: dotted IPv4, IPv6 (with or
 * without brackets), either with a port; IPv4-mapped IPv6 becomes IPv4.
 * Null for anything else ("unknown", obfuscated names, garbage).
 */
export function parseAddress(raw: string): Address | null {
  let text = raw.trim();
  const bracketed = /^\[([^\]]+)\](?::\d{1,5})?$/.exec(text);
  if (bracketed) text = bracketed[1]!;
  else if (/^[\d.]+:\d{1,5}$/.test(text)) text = text.slice(0, text.lastIndexOf(":"));
  // Strict forms only: ipaddr would also take "127.1" or "0x7f.0.0.1".
  if (ipaddr.IPv4.isValidFourPartDecimal(text)) return ipaddr.IPv4.parse(text);
  if (!text.includes(":") || !ipaddr.IPv6.isValid(text)) return null;
  const v6 = ipaddr.IPv6.parse(text);
  return v6.isIPv4MappedAddress() ? v6.toIPv4Address() : v6;
}

/** The `for=` node of each element of a Forwarded header (RFC 7239), left to right; quoted values unquoted. */
export function forwardedFor(header: string): string[] {
  const nodes: string[] = [];
  for (const element of splitOutsideQuotes(header, ",")) {
    let node = "";
    for (const pair of splitOutsideQuotes(element, ";")) {
      const eq = pair.indexOf("=");
      if (eq < 0 || pair.slice(0, eq).trim().toLowerCase() !== "for") continue;
      node = unquote(pair.slice(eq + 1).trim());
    }
    // An element without for= still stands for a hop: keep its place, as garbage.
    nodes.push(node);
  }
  return nodes;
}

function splitOutsideQuotes(text: string, separator: string): string[] {
  const parts: string[] = [];
  let current = "";
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (quoted && c === "\\" && i + 1 < text.length) {
      current += c + text[++i];
      continue;
    }
    if (c === '"') quoted = !quoted;
    if (c === separator && !quoted) {
      parts.push(current);
      current = "";
    } else current += c;
  }
  parts.push(current);
  return parts;
}

function unquote(value: string): string {
  if (value.length >= 2 && value.startsWith('"') && value.endsWith('"'))
    return value.slice(1, -1).replace(/\\(.)/g, "$1");
  return value;
}

/** The hops a request says it passed through, client first, as the trusted proxies' header lists them. */
function forwardedChain(headers: Headers, header: ForwardedHeader): string[] {
  const value = headers.get(header);
  if (value === null) return [];
  return header === "forwarded" ? forwardedFor(value) : value.split(",").map((s) => s.trim());
}

function isTrusted(address: Address, trust: TrustProxy & { kind: "ranges" }): boolean {
  return trust.ranges.some(([range, bits]) => range.kind() === address.kind() && address.match(range, bits));
}

/**
 * The client's address: the socket's peer, or, through trusted hops only, the
 * address the last trusted proxy saw. Walks the header right to left: each step
 * goes one hop further from us, and stops at the first hop that is not trusted,
 * at the end of the list (too few hops), or at an entry that is not an address.
 */
export function clientAddress(socketAddress: string, headers: Headers, options: ClientAddressOptions): string {
  const { trust } = options;
  if (trust.kind === "none") return peerAddress(socketAddress);
  const socket = parseAddress(socketAddress);
  if (!socket) return socketAddress;
  const chain = forwardedChain(headers, options.header);
  let client = socket;
  for (let hop = 1; chain.length > 0; hop++) {
    // May this hop (whose address we hold) tell us who it forwarded for?
    if (trust.kind === "hops" ? hop > trust.hops : !isTrusted(client, trust)) break;
    const next = parseAddress(chain.pop()!);
    if (!next) break;
    client = next;
  }
  return client.toString();
}

/** Answers of a pure function of an address, kept: a burst of connects from a few peers parses each once. */
function remembered(of: (address: string) => string): (address: string) => string {
  let known = new Map<string, string>();
  return (address) => {
    let answer = known.get(address);
    if (answer === undefined) {
      answer = of(address);
      // Bounded: past it the memory starts over (many peers cost what they did before, plus a lookup).
      if (known.size >= REMEMBERED_ADDRESSES) known = new Map();
      known.set(address, answer);
    }
    return answer;
  };
}
const REMEMBERED_ADDRESSES = 4096;

/** The socket's peer as we write addresses (IPv4-mapped IPv6 as IPv4, IPv6 compressed); as given if not an address. */
const peerAddress = remembered((address) => parseAddress(address)?.toString() ?? address);

/** What per-address limits count: an IPv4 address, or the /64 an IPv6 address is in ("2001:db8:1:2::/64"). */
export const addressKey = remembered(function addressKey(address: string): string {
  const parsed = parseAddress(address);
  if (!parsed) return address;
  if (parsed.kind() === "ipv4") return parsed.toString();
  const parts = (parsed as ipaddr.IPv6).parts.slice(0, 4);
  return `${new ipaddr.IPv6([...parts, 0, 0, 0, 0]).toString()}/64`;
});

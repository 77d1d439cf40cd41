import { describe, expect, test } from "bun:test";
import {
  addressKey,
  clientAddress,
  type ForwardedHeader,
  forwardedFor,
  parseAddress,
  parseTrustProxy,
} from "../../server/limits/client-address.ts";

const xff = (value: string) => new Headers({ "x-forwarded-for": value });
const fwd = (value: string) => new Headers({ forwarded: value });
const behind = (trustProxy: string | undefined, header: ForwardedHeader = "x-forwarded-for") => ({
  trust: parseTrustProxy(trustProxy),
  header,
});

describe("client address without TRUST_PROXY", () => {
  test("is the socket's peer: a client's X-Forwarded-For or Forwarded is ignored", () => {
    expect(clientAddress("203.0.113.9", xff("1.2.3.4"), behind(undefined))).toBe("203.0.113.9");
    expect(clientAddress("203.0.113.9", fwd("for=1.2.3.4"), behind("", "forwarded"))).toBe("203.0.113.9");
    expect(clientAddress("203.0.113.9", xff("1.2.3.4"), behind("0"))).toBe("203.0.113.9");
  });

  test("an IPv4-mapped socket address is the IPv4 address", () => {
    expect(clientAddress("::ffff:127.0.0.1", new Headers(), behind(undefined))).toBe("127.0.0.1");
  });
});

describe("client address with a hop count", () => {
  test("one hop: the rightmost entry (what our proxy saw); a spoofed entry left of it is ignored", () => {
    // The client sent "X-Forwarded-For: 6.6.6.6"; our proxy appended the address it saw.
    expect(clientAddress("10.0.0.2", xff("6.6.6.6, 198.51.100.7"), behind("1"))).toBe("198.51.100.7");
  });

  test("two hops: the second entry from the right", () => {
    expect(clientAddress("10.0.0.2", xff("6.6.6.6, 198.51.100.7, 10.0.0.9"), behind("2"))).toBe("198.51.100.7");
  });

  test("too few hops in the header: the furthest one a trusted hop reported, never beyond the list", () => {
    expect(clientAddress("10.0.0.2", xff("198.51.100.7"), behind("3"))).toBe("198.51.100.7");
    expect(clientAddress("10.0.0.2", new Headers(), behind("3"))).toBe("10.0.0.2");
  });

  test("garbage where an address should be stops the walk at the last address a trusted hop gave", () => {
    expect(clientAddress("10.0.0.2", xff("198.51.100.7, not-an-ip"), behind("2"))).toBe("10.0.0.2");
    expect(clientAddress("10.0.0.2", xff("garbage, 198.51.100.7"), behind("2"))).toBe("198.51.100.7");
    expect(clientAddress("10.0.0.2", xff(""), behind("1"))).toBe("10.0.0.2");
    expect(clientAddress("10.0.0.2", xff("127.1"), behind("1"))).toBe("10.0.0.2");
    expect(clientAddress("10.0.0.2", xff("1.2.3.4; DROP TABLE"), behind("1"))).toBe("10.0.0.2");
  });

  test("entries with ports and IPv6 entries are read", () => {
    expect(clientAddress("10.0.0.2", xff("198.51.100.7:4711"), behind("1"))).toBe("198.51.100.7");
    expect(clientAddress("10.0.0.2", xff("[2001:db8::17]:4711"), behind("1"))).toBe("2001:db8::17");
    expect(clientAddress("10.0.0.2", xff("2001:db8::17"), behind("1"))).toBe("2001:db8::17");
  });
});

describe("client address with trusted ranges", () => {
  const trust = "10.0.0.0/8, 192.0.2.7, fd00::/8";

  test("walks right to left through trusted proxies and stops at the first untrusted address", () => {
    // client 198.51.100.7 → 192.0.2.7 (trusted edge) → 10.0.0.9 (trusted) → us; 6.6.6.6 was written by the client.
    expect(clientAddress("10.0.0.2", xff("6.6.6.6, 198.51.100.7, 192.0.2.7, 10.0.0.9"), behind(trust))).toBe(
      "198.51.100.7",
    );
  });

  test("a peer that is not a trusted proxy is the client, whatever it sends", () => {
    expect(clientAddress("198.51.100.7", xff("1.2.3.4"), behind(trust))).toBe("198.51.100.7");
  });

  test("every hop trusted: the leftmost entry", () => {
    expect(clientAddress("10.0.0.2", xff("10.1.1.1, 10.0.0.9"), behind(trust))).toBe("10.1.1.1");
  });

  test("an IPv4-mapped peer matches its IPv4 range", () => {
    expect(clientAddress("::ffff:10.0.0.2", xff("198.51.100.7"), behind(trust))).toBe("198.51.100.7");
  });
});

describe("Forwarded (RFC 7239)", () => {
  test("for= nodes: quoted IPv6 with a port, IPv4 with a port, other parameters, case-insensitive names", () => {
    expect(forwardedFor('for=192.0.2.60;proto=http;by=203.0.113.43, For="[2001:db8:cafe::17]:4711"')).toEqual([
      "192.0.2.60",
      "[2001:db8:cafe::17]:4711",
    ]);
    expect(forwardedFor('for="198.51.100.7:80", proto=https')).toEqual(["198.51.100.7:80", ""]);
  });

  test("a comma inside a quoted value does not split the element", () => {
    expect(forwardedFor('for="1.2.3.4, 5.6.7.8";proto=http')).toEqual(["1.2.3.4, 5.6.7.8"]);
  });

  test("the client is read from it through trusted hops; X-Forwarded-For is then ignored", () => {
    const headers = new Headers({
      forwarded: 'for=6.6.6.6, for="[2001:db8:cafe::17]:4711"',
      "x-forwarded-for": "7.7.7.7",
    });
    expect(clientAddress("10.0.0.2", headers, behind("1", "forwarded"))).toBe("2001:db8:cafe::17");
  });

  test("'unknown', obfuscated nodes and elements without for= stop the walk", () => {
    expect(clientAddress("10.0.0.2", fwd("for=unknown"), behind("1", "forwarded"))).toBe("10.0.0.2");
    expect(clientAddress("10.0.0.2", fwd("for=_hidden"), behind("1", "forwarded"))).toBe("10.0.0.2");
    expect(clientAddress("10.0.0.2", fwd("for=198.51.100.7, proto=https"), behind("2", "forwarded"))).toBe("10.0.0.2");
    expect(clientAddress("10.0.0.2", fwd('for="[garbage]:1"'), behind("1", "forwarded"))).toBe("10.0.0.2");
  });

  test("with X-Forwarded-For configured, a client's Forwarded header is ignored", () => {
    expect(clientAddress("10.0.0.2", fwd("for=6.6.6.6"), behind("1"))).toBe("10.0.0.2");
  });
});

describe("TRUST_PROXY parsing", () => {
  test("accepts hop counts, addresses and ranges; refuses anything else", () => {
    expect(parseTrustProxy("2")).toEqual({ kind: "hops", hops: 2 });
    expect(parseTrustProxy(" 10.0.0.0/8 , ::1 ").kind).toBe("ranges");
    for (const bad of ["abc", "10.0.0.0/33", "1.2.3", "10.0.0.1,", "-1", "99"])
      expect(() => parseTrustProxy(bad)).toThrow();
  });
});

describe("address keys for per-address limits", () => {
  test("IPv4 counts as itself; IPv4-mapped IPv6 as the IPv4 address", () => {
    expect(addressKey("198.51.100.7")).toBe("198.51.100.7");
    expect(addressKey("::ffff:198.51.100.7")).toBe("198.51.100.7");
  });

  test("IPv6 addresses count per /64: two in one /64 share a key, the next /64 has its own", () => {
    expect(addressKey("2001:db8:1:2::1")).toBe("2001:db8:1:2::/64");
    expect(addressKey("2001:db8:1:2:ffff:ffff:ffff:ffff")).toBe("2001:db8:1:2::/64");
    expect(addressKey("2001:db8:1:3::1")).toBe("2001:db8:1:3::/64");
  });

  test("parseAddress refuses what is not an address", () => {
    for (const bad of ["", "unknown", "1.2.3.4.5", "::g", "localhost", "[::1", "0x7f.0.0.1"])
      expect(parseAddress(bad)).toBeNull();
  });
});

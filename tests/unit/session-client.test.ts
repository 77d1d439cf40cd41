/** What a session records of where it was opened: browser and system from the User-Agent, the address cut to its network. */
import { describe, expect, test } from "bun:test";
import { coarseAddress, describeUserAgent } from "../../server/auth/session-client.ts";

describe("describeUserAgent", () => {
  test("names the browser and system with major versions; a script or an empty header names none", () => {
    expect(
      describeUserAgent("Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:121.0) Gecko/20100101 Firefox/121.0"),
    ).toEqual({ browser: "Firefox 121", system: "Windows 10" });
    expect(
      describeUserAgent(
        "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0.0.0 Safari/537.36",
      ),
    ).toEqual({ browser: "Chrome 120", system: "Linux" });
    expect(describeUserAgent("curl/8.5.0").browser).toBeNull();
    expect(describeUserAgent(null)).toEqual({ browser: null, system: null });
  });

  test("what it keeps is short, however long the header", () => {
    const { browser, system } = describeUserAgent(`Mozilla/5.0 (${"x".repeat(20_000)}) Firefox/121.0`);
    expect((browser ?? "").length).toBeLessThanOrEqual(64);
    expect((system ?? "").length).toBeLessThanOrEqual(64);
  });
});

describe("coarseAddress", () => {
  test("IPv4 keeps its /24, IPv6 its /48, an IPv4-mapped address counts as IPv4; anything else is null", () => {
    expect(coarseAddress("203.0.113.7")).toBe("203.0.113.x");
    expect(coarseAddress("2001:db8:1:2::5")).toBe("2001:db8:1::x");
    expect(coarseAddress("::ffff:198.51.100.9")).toBe("198.51.100.x");
    expect(coarseAddress(null)).toBeNull();
    expect(coarseAddress("not an address")).toBeNull();
  });
});

import { describe, expect, test } from "bun:test";
import { securityHeaders } from "../../server/http/security-headers.ts";

describe("securityHeaders", () => {
  test("an HTML page for Host 'chat.example.com:8443' gets a CSP naming that host's ws: and wss: in connect-src", () => {
    const csp = securityHeaders("text/html; charset=utf-8", "chat.example.com:8443")["content-security-policy"];
    expect(csp).toContain("connect-src 'self' ws://chat.example.com:8443 wss://chat.example.com:8443;");
    expect(csp).toContain("script-src 'self';");
    expect(csp).toContain("frame-ancestors 'none'");
  });

  test("an IPv6 Host '[::1]:3000' is a host too", () => {
    expect(securityHeaders("text/html", "[::1]:3000")["content-security-policy"]).toContain(
      "ws://[::1]:3000 wss://[::1]:3000",
    );
  });

  test("a Host that would smuggle directives ('evil.example; script-src *', 'a b', 'x'') is left out: connect-src is 'self' alone", () => {
    for (const host of ["evil.example; script-src *", "a b", "x'", "evil.example,script-src", ""]) {
      const csp = securityHeaders("text/html", host)["content-security-policy"]!;
      expect({ host, connect: /connect-src [^;]*/.exec(csp)![0], scripts: /script-src [^;]*/g.exec(csp)![0] }).toEqual({
        host,
        connect: "connect-src 'self'",
        scripts: "script-src 'self'",
      });
    }
  });

  test("a service worker's script (requested with Service-Worker: script) may fetch from its own origin, nothing else; other scripts allow nothing", () => {
    expect(securityHeaders("text/javascript;charset=utf-8", "localhost", true)["content-security-policy"]).toBe(
      "default-src 'self'; object-src 'none'; base-uri 'none'; frame-ancestors 'none'",
    );
    expect(securityHeaders("text/javascript;charset=utf-8", "localhost")["content-security-policy"]).toBe(
      "default-src 'none'; frame-ancestors 'none'",
    );
    // The header on a response that is not a script changes nothing.
    expect(securityHeaders("application/json", "localhost", true)["content-security-policy"]).toBe(
      "default-src 'none'; frame-ancestors 'none'",
    );
  });

  test("JSON, plain text and a missing content type get nosniff and a CSP that allows nothing", () => {
    for (const type of ["application/json", "text/plain; charset=utf-8", null]) {
      expect(securityHeaders(type, "localhost")).toEqual({
        "content-security-policy": "default-src 'none'; frame-ancestors 'none'",
        "x-content-type-options": "nosniff",
        "referrer-policy": "strict-origin-when-cross-origin",
      });
    }
  });
});

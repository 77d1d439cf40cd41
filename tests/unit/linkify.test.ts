import { describe, expect, test } from "bun:test";
import { linkify, type TextSegment } from "../../client/app/lib/linkify.ts";

const link = (text: string, href = text): TextSegment => ({ kind: "link", text, href });
const text = (t: string): TextSegment => ({ kind: "text", text: t });

describe("linkify", () => {
  test("plain text with no address is one text segment; empty text is none", () => {
    expect(linkify("hello there")).toEqual([text("hello there")]);
    expect(linkify("")).toEqual([]);
  });

  test("an http or https address becomes a link to it, with the text around it kept", () => {
    expect(linkify("see https://bun.sh/docs now")).toEqual([text("see "), link("https://bun.sh/docs"), text(" now")]);
    expect(linkify("http://example.com")).toEqual([link("http://example.com", "http://example.com/")]);
  });

  test("no other scheme is a link: javascript:, data:, file:, mailto:, a bare www.", () => {
    for (const input of ["javascript:alert(1)", "JaVaScRiPt:alert(document.cookie)", "data:text/html,<script>alert(1)</script>", "file:///etc/passwd", "mailto:a@b.c", "www.example.com", "ftp://example.com"]) {
      expect(linkify(input)).toEqual([text(input)]);
    }
  });

  test("a scheme glued to a word before it is not an address (xhttps://, javascript:https://)", () => {
    expect(linkify("xhttps://evil.example")).toEqual([text("xhttps://evil.example")]);
    expect(linkify("javascript:https://evil.example")).toEqual([text("javascript:"), link("https://evil.example", "https://evil.example/")]);
  });

  test("punctuation ending a sentence is not part of the address", () => {
    expect(linkify("Go to https://example.com.")).toEqual([text("Go to "), link("https://example.com", "https://example.com/"), text(".")]);
    expect(linkify("https://example.com/a, https://example.com/b!?")).toEqual([
      link("https://example.com/a"),
      text(", "),
      link("https://example.com/b"),
      text("!?"),
    ]);
    expect(linkify("'https://example.com/q?x=1'")).toEqual([text("'"), link("https://example.com/q?x=1"), text("'")]);
  });

  test("a closing bracket belongs to the address only when the address opened it", () => {
    expect(linkify("(see https://bun.sh)")).toEqual([text("(see "), link("https://bun.sh", "https://bun.sh/"), text(")")]);
    expect(linkify("https://en.wikipedia.org/wiki/Bun_(software)")).toEqual([link("https://en.wikipedia.org/wiki/Bun_(software)")]);
    expect(linkify("(https://en.wikipedia.org/wiki/Bun_(software)).")).toEqual([
      text("("),
      link("https://en.wikipedia.org/wiki/Bun_(software)"),
      text(")."),
    ]);
    expect(linkify("[https://example.com/x]")).toEqual([text("["), link("https://example.com/x"), text("]")]);
  });

  test("markup stays text: an address ends at < > \" and a tag around it is not interpreted", () => {
    expect(linkify('<a href="https://evil.example">x</a>')).toEqual([
      text('<a href="'),
      link("https://evil.example", "https://evil.example/"),
      text('">x</a>'),
    ]);
    expect(linkify("<https://example.com/p>")).toEqual([text("<"), link("https://example.com/p"), text(">")]);
    expect(linkify("https://example.com/<script>")).toEqual([link("https://example.com/"), text("<script>")]);
  });

  test("an address with no host is not a link", () => {
    expect(linkify("https://")).toEqual([text("https://")]);
    // A browser would read "path" as the host of https:///path, which the text does not show.
    expect(linkify("https:///path")).toEqual([text("https:///path")]);
    expect(linkify("https://\\evil.example")).toEqual([text("https://\\evil.example")]);
  });

  test("the href is the parsed address, so characters a browser would read differently are escaped", () => {
    const [segment] = linkify("https://example.com/a'b");
    expect(segment).toEqual(link("https://example.com/a'b", "https://example.com/a'b"));
    expect(linkify("https://ex.com/ü")[0]).toEqual(link("https://ex.com/ü", "https://ex.com/%C3%BC"));
  });

  test("joined back, the segments are the text exactly, for any input", () => {
    const inputs = ["a https://x.y/(b) c", "((https://x.y/)))", "https://a.b https://c.d", "\nhttps://a.b/\n", "😀https://a.b😀"];
    for (const input of inputs) expect(linkify(input).map((s) => s.text).join("")).toBe(input);
  });
});

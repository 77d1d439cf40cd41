/** shared/markdown.ts: what a message's text means, as the web app renders it and the CLI prints it. */
import { describe, expect, test } from "bun:test";
import { type Block, type Inline, parseMarkdown, plainText, safeHref } from "../../shared/markdown.ts";

const text = (t: string): Inline => ({ type: "text", text: t });
const para = (...children: Inline[]): Block => ({ type: "paragraph", children });
/** The one paragraph `input` is. */
const inline = (input: string) => {
  const blocks = parseMarkdown(input);
  expect(blocks).toHaveLength(1);
  expect(blocks[0]!.type).toBe("paragraph");
  return (blocks[0] as Extract<Block, { type: "paragraph" }>).children;
};
/** Every node of the tree, depth first. */
function* walk(nodes: (Block | Inline)[]): Generator<Block | Inline> {
  for (const node of nodes) {
    yield node;
    if ("children" in node) yield* walk(node.children);
    if (node.type === "list") for (const item of node.items) yield* walk(item);
  }
}
const links = (input: string) => [...walk(parseMarkdown(input))].filter((n) => n.type === "link");

describe("parseMarkdown: what people type in chat", () => {
  test("plain text is one paragraph of text; an empty text is nothing", () => {
    expect(parseMarkdown("hello there")).toEqual([para(text("hello there"))]);
    expect(parseMarkdown("")).toEqual([]);
  });

  test("**bold**, _italic_ and *italic*, ~~strikethrough~~, `inline code`", () => {
    expect(inline("**b** _i_ *j* ~~s~~ `c *not em*`")).toEqual([
      { type: "strong", children: [text("b")] },
      text(" "),
      { type: "em", children: [text("i")] },
      text(" "),
      { type: "em", children: [text("j")] },
      text(" "),
      { type: "strike", children: [text("s")] },
      text(" "),
      { type: "code", text: "c *not em*" },
    ]);
  });

  test("nested emphasis keeps its nesting", () => {
    expect(inline("**bold _and italic_**")).toEqual([
      { type: "strong", children: [text("bold "), { type: "em", children: [text("and italic")] }] },
    ]);
  });

  test("a new line typed in a message is a line break", () => {
    expect(inline("one\ntwo")).toEqual([text("one"), { type: "break" }, text("two")]);
  });

  test("a fenced code block keeps its text exactly, with its language label; markup inside is not parsed", () => {
    expect(parseMarkdown("```ts\nconst a = **1** < 2;\n  <b>x</b>\n```")).toEqual([
      { type: "code_block", lang: "ts", text: "const a = **1** < 2;\n  <b>x</b>" },
    ]);
    expect(parseMarkdown("```\nno label\n```")).toEqual([{ type: "code_block", lang: null, text: "no label" }]);
    // Only a word that looks like a language becomes the label.
    expect(parseMarkdown('```"><x\ny\n```')).toEqual([{ type: "code_block", lang: null, text: "y" }]);
  });

  test("block quotes, bullet lists and numbered lists (with their first number)", () => {
    expect(parseMarkdown("> quoted **words**\n\n3. three\n4. four\n\n- a\n- b")).toEqual([
      { type: "quote", children: [para(text("quoted "), { type: "strong", children: [text("words")] })] },
      { type: "list", ordered: true, start: 3, items: [[para(text("three"))], [para(text("four"))]] },
      { type: "list", ordered: false, start: 1, items: [[para(text("a"))], [para(text("b"))]] },
    ]);
  });

  test("headings, setext underlines and reference definitions are off: the text stays as typed", () => {
    expect(parseMarkdown("# 1 priority")).toEqual([para(text("# 1 priority"))]);
    const reference = parseMarkdown("[a]: https://x.example\n[a]");
    expect(reference).toHaveLength(1);
    expect(plainText((reference[0] as Extract<Block, { type: "paragraph" }>).children)).toBe(
      "[a]: https://x.example\n[a]",
    );
  });

  test("@name is a mention, as the server counts one; an e-mail address and code are not", () => {
    expect(inline("hi @ann, and @Bob_2!")).toEqual([
      text("hi "),
      { type: "mention", name: "ann" },
      text(", and "),
      { type: "mention", name: "Bob_2" },
      text("!"),
    ]);
    expect(inline("**@ann**")).toEqual([{ type: "strong", children: [{ type: "mention", name: "ann" }] }]);
    expect(inline("`@ann`")).toEqual([{ type: "code", text: "@ann" }]);
    expect([...walk(parseMarkdown("x@ann y@ab"))].some((n) => n.type === "mention")).toBe(false);
  });

  test(":shortcode: becomes its emoji; unknown ones and those in code stay text; no :) smileys", () => {
    expect(inline(":thumbsup: :+1: :tada:")).toEqual([
      { type: "emoji", emoji: "👍", shortcode: "thumbsup" },
      text(" "),
      { type: "emoji", emoji: "👍", shortcode: "+1" },
      text(" "),
      { type: "emoji", emoji: "🎉", shortcode: "tada" },
    ]);
    expect(inline(":no_such_emoji: :)")).toEqual([text(":no_such_emoji: :)")]);
    expect(inline("`:tada:`")).toEqual([{ type: "code", text: ":tada:" }]);
  });
});

describe("parseMarkdown: links", () => {
  test("[text](url) with http, https and mailto targets is a link", () => {
    expect(inline("[docs](https://bun.sh/docs) [mail](mailto:ann@example.org) [old](http://example.org)")).toEqual([
      { type: "link", href: "https://bun.sh/docs", children: [text("docs")] },
      text(" "),
      { type: "link", href: "mailto:ann@example.org", children: [text("mail")] },
      text(" "),
      { type: "link", href: "http://example.org/", children: [text("old")] },
    ]);
  });

  test("a bare address is a link; www.example.org becomes an https link; a bare domain does not", () => {
    expect(inline("see https://example.com/docs?a=1.")).toEqual([
      text("see "),
      { type: "link", href: "https://example.com/docs?a=1", children: [text("https://example.com/docs?a=1")] },
      text("."),
    ]);
    // Where an address ends, as linkify.ts (which this replaces) decided it: brackets it opened are its own.
    expect(inline("(see https://bun.sh)")).toEqual([
      text("(see "),
      { type: "link", href: "https://bun.sh/", children: [text("https://bun.sh")] },
      text(")"),
    ]);
    const wiki = "https://en.wikipedia.org/wiki/Bun_(software)";
    expect(inline(wiki)).toEqual([{ type: "link", href: wiki, children: [text(wiki)] }]);
    expect(inline("xhttps://evil.example")).toEqual([text("xhttps://evil.example")]);
    expect(inline("www.example.org")).toEqual([
      { type: "link", href: "https://www.example.org/", children: [text("www.example.org")] },
    ]);
    expect(inline("example.org")).toEqual([text("example.org")]);
    expect(inline("ann@example.org")).toEqual([
      { type: "link", href: "mailto:ann@example.org", children: [text("ann@example.org")] },
    ]);
    expect(inline("<https://example.com/p>")).toEqual([
      { type: "link", href: "https://example.com/p", children: [text("https://example.com/p")] },
    ]);
  });

  test("javascript:, data:, vbscript:, file:, ftp:, relative and protocol-relative targets are never links; their text stays", () => {
    for (const input of [
      "[x](javascript:alert(1))",
      "[x](JaVaScRiPt:alert(1))",
      "[x](java\tscript:alert(1))",
      "[x](data:text/html,<script>alert(1)</script>)",
      "[x](vbscript:msgbox(1))",
      "[x](file:///etc/passwd)",
      "[x](ftp://example.org)",
      "[x](/relative)",
      "[x](//evil.example)",
      "javascript:alert(1)",
      "data:text/html,hi",
      "ftp://example.org //evil.example",
      "<javascript:alert(1)>",
    ]) {
      expect(links(input)).toEqual([]);
      expect(JSON.stringify(parseMarkdown(input))).not.toContain('"href"');
    }
    expect(inline("[x](javascript:alert(1))")).toEqual([text("[x](javascript:alert(1))")]);
  });

  test("safeHref keeps http(s) with a host and mailto, and nothing else", () => {
    expect(safeHref("https://example.com")).toBe("https://example.com/");
    expect(safeHref("mailto:a@b.example")).toBe("mailto:a@b.example");
    for (const bad of [
      "javascript:alert(1)",
      "data:,x",
      "http:///x",
      "https:\\\\evil.example",
      "http:evil.example",
      "/x",
      "//x.example",
      "blob:https://x.example/1",
      "",
    ])
      expect(safeHref(bad)).toBeNull();
  });
});

describe("parseMarkdown: raw HTML is text", () => {
  test("<img onerror>, <script> and tags are text nodes, never elements or attributes", () => {
    expect(inline("<img src=x onerror=alert(1)>")).toEqual([text("<img src=x onerror=alert(1)>")]);
    expect(inline("<script>alert(1)</script>")).toEqual([text("<script>alert(1)</script>")]);
    expect(parseMarkdown("<div>\n<b>bold?</b>\n</div>")).toEqual([
      para(text("<div>"), { type: "break" }, text("<b>bold?</b>"), { type: "break" }, text("</div>")),
    ]);
  });

  test("an image is never an image: ![alt](url) is a ! and a link, so nothing is loaded", () => {
    const nodes = [...walk(parseMarkdown("![x](https://evil.example/track.png)"))];
    expect(nodes.map((n) => n.type)).toEqual(["paragraph", "text", "link", "text"]);
  });

  test("the tree holds only the node kinds renderers know, whatever the input", () => {
    const kinds = new Set([
      "paragraph",
      "code_block",
      "quote",
      "list",
      "rule",
      "text",
      "strong",
      "em",
      "strike",
      "code",
      "link",
      "mention",
      "emoji",
      "break",
    ]);
    const input =
      "<a href=javascript:x>a</a> | t | h |\n|---|---|\n![i](x) <!-- c --> &lt;b&gt; [r]: /x\n***\n<iframe>\n\n    indented";
    for (const node of walk(parseMarkdown(input))) expect(kinds.has(node.type)).toBe(true);
  });
});

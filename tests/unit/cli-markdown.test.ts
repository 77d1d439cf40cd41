/** client/cli/markdown-terminal.ts: a message's Markdown as the CLI prints it, styled on a terminal and neutralised. */
import { describe, expect, test } from "bun:test";
import { formatMessage } from "../../client/cli/format.ts";
import { terminalText } from "../../client/cli/markdown-terminal.ts";

const styled = (text: string) => terminalText(text, { style: true });

describe("terminalText", () => {
  test("bold, italic and strikethrough are terminal styles on a terminal, the words alone when piped", () => {
    expect(styled("**bold** _it_ ~~gone~~")).toBe("\x1b[1mbold\x1b[22m \x1b[3mit\x1b[23m \x1b[9mgone\x1b[29m");
    expect(terminalText("**bold** _it_ ~~gone~~")).toBe("bold it gone");
  });

  test("inline code and code blocks print as typed, styles and shortcodes inside them untouched", () => {
    expect(styled("run `bun **x** :tada:`")).toBe("run `bun **x** :tada:`");
    expect(terminalText("```ts\nconst a = 1;\n  **b**\n```")).toBe("```ts\nconst a = 1;\n  **b**\n```");
  });

  test("links print as `text <url>`; an address typed as such prints once", () => {
    expect(
      terminalText("[the docs](https://bun.sh/docs) and https://example.com and www.example.org and ann@example.org"),
    ).toBe("the docs <https://bun.sh/docs> and https://example.com and www.example.org and ann@example.org");
    expect(terminalText("[x](javascript:alert(1))")).toBe("[x](javascript:alert(1))");
  });

  test(":shortcode: prints as its emoji; mentions, quotes and lists keep their marks", () => {
    expect(terminalText("nice :thumbsup: @ann")).toBe("nice 👍 @ann");
    expect(terminalText("> said\n> twice\n\n- a\n- b\n\n3. c\n4. d")).toBe("> said\n> twice\n- a\n- b\n3. c\n4. d");
  });

  test("raw HTML prints as text", () => {
    expect(terminalText("<img src=x onerror=alert(1)> <script>x</script>")).toBe(
      "<img src=x onerror=alert(1)> <script>x</script>",
    );
  });

  test("control characters anywhere (text, code, link text, a link's target, styled words) print as visible escapes; only our own styles are raw", () => {
    const input = "**a\x1b[2J** `b\x1b]0;t\x07` [c\u202e](https://x.example/\x1b) d\x9b\n```\ne\x1b[31m\n```";
    const out = styled(input);
    const ours = out.replace(/\x1b\[(1|22|3|23|9|29)m/g, "");
    expect(ours).not.toMatch(/[\u0000-\u0009\u000B-\u001F\u007F-\u009F\u202A-\u202E]/);
    expect(ours).toContain("a\\x1b[2J");
    expect(ours).toContain("`b\\x1b]0;t\\x07`");
    expect(ours).toContain("c\\u202e");
    expect(ours).toContain("d\\x9b");
    expect(ours).toContain("e\\x1b[31m");
  });
});

describe("formatMessage with Markdown", () => {
  test("a history line shows the terminal form; continuation lines stay indented", () => {
    const line = formatMessage(
      {
        id: 1,
        room: "lobby",
        seq: 3,
        sender: "ann",
        text: "**look** :tada:\n```sh\nbun test\n```",
        timestamp: new Date().toISOString(),
        editedAt: null,
        deleted: false,
        replyTo: null,
        reactions: [],
        attachments: [],
      },
      { style: true },
    );
    expect(line).toMatch(/^\[[^\]]+\] #3 ann: \x1b\[1mlook\x1b\[22m 🎉\n {4}```sh\n {4}bun test\n {4}```$/);
  });
});

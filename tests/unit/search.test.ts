/** How a query becomes words, how FTS5 gets them, and how the web app marks and reaches a hit. */
import { describe, expect, test } from "bun:test";
import { highlightSegments, messageHref } from "../../client/app/lib/search.ts";
import { fts5AllOf, tsqueryAllOf } from "../../server/chat/search.ts";
import { highlightRanges, searchTerms } from "../../shared/search.ts";

describe("searchTerms", () => {
  test("words are runs of letters, digits and marks, lower-cased, each once; everything else separates", () => {
    expect(searchTerms('Lunch on "Tuesday"? lunch! OR NEAR(x*) café_3')).toEqual([
      "lunch",
      "on",
      "tuesday",
      "or",
      "near",
      "x",
      "café",
      "3",
    ]);
    expect(searchTerms("?!* -- ()")).toEqual([]);
  });
});

describe("fts5AllOf", () => {
  test("quotes each word (doubling quotes), so no word is an operator or a column filter; the last is a prefix", () => {
    expect(fts5AllOf(["near", "or", "text"])).toBe('"near" "or" "text"*');
    expect(fts5AllOf(['a"b'])).toBe('"a""b"*');
  });
});

describe("tsqueryAllOf", () => {
  test("each word a quoted lexeme (doubling quotes) joined by &, the last with :* (prefix)", () => {
    expect(tsqueryAllOf(["fix", "depl"])).toBe("'fix' & 'depl':*");
    expect(tsqueryAllOf(["a'b", "c"])).toBe("'a''b' & 'c':*");
  });
});

describe("highlightRanges / highlightSegments", () => {
  test("whole words only, in any case; the segments rebuild the text exactly", () => {
    const text = "Deploy redeploy DEPLOY, deploy.";
    const ranges = highlightRanges(text, ["deploy"]);
    expect(ranges.map(([s, e]) => text.slice(s, e))).toEqual(["Deploy", "DEPLOY", "deploy"]);
    const parts = highlightSegments(text, ranges);
    expect(parts.map((p) => p.text).join("")).toBe(text);
    expect(parts.filter((p) => p.marked).map((p) => p.text)).toEqual(["Deploy", "DEPLOY", "deploy"]);
  });

  test("ranges out of order or past the text are ignored rather than garbling it", () => {
    expect(
      highlightSegments("abc def", [
        [4, 7],
        [0, 3],
        [5, 99],
      ]),
    ).toEqual([
      { text: "abc ", marked: false },
      { text: "def", marked: true },
    ]);
  });
});

describe("highlightRanges with a prefix", () => {
  test("the last term also marks the words it begins; the others only whole words", () => {
    const text = "fix the deploy, fixing deployment";
    const marked = (terms: string[]) => highlightRanges(text, terms).map(([s, e]) => text.slice(s, e));
    expect(marked(["fix", "depl"])).toEqual(["fix", "deploy", "deployment"]);
    expect(marked(["depl", "fix"])).toEqual(["fix", "fixing"]);
  });
});

describe("reaching a hit", () => {
  test("messageHref opens the room at the message", () => {
    expect(messageHref({ room: "lobby", seq: 12 })).toBe("/room/lobby/?at=12");
  });
});

import { describe, expect, test } from "bun:test";
import { matchingNames, mentionQueryAt, pickMention } from "../../client/app/lib/mention-complete.ts";

describe("mentionQueryAt", () => {
  test("finds the partial name the caret ends, from its @", () => {
    expect(mentionQueryAt("hi @an", 6)).toEqual({ start: 3, end: 6, query: "an" });
    expect(mentionQueryAt("@", 1)).toEqual({ start: 0, end: 1, query: "" });
    expect(mentionQueryAt("(@bo", 4)).toEqual({ start: 1, end: 4, query: "bo" });
    expect(mentionQueryAt("line one\n@x", 11)).toEqual({ start: 9, end: 11, query: "x" });
  });

  test("is not a mention when the @ is glued to a word or an address, or the caret is elsewhere", () => {
    expect(mentionQueryAt("mail ann@example", 16)).toBeNull();
    expect(mentionQueryAt("@@ann", 5)).toBeNull();
    expect(mentionQueryAt("hi @ann there", 13)).toBeNull();
    expect(mentionQueryAt("hi @ann", 2)).toBeNull();
    expect(mentionQueryAt("hi @an|n".replace("|", ""), 6)).toBeNull(); // inside a word, not at its end
  });
});

describe("matchingNames", () => {
  const names = ["Anna", "bob", "joan", "ann", "Annabel", "ann"];
  test("names starting with the query first, then those containing it, each once, case-insensitive", () => {
    expect(matchingNames(names, "an")).toEqual(["ann", "Anna", "Annabel", "joan"]);
    expect(matchingNames(names, "AN", { limit: 2 })).toEqual(["ann", "Anna"]);
  });

  test("an empty query lists everyone, leaving out the writer", () => {
    expect(matchingNames(names, "", { self: "ANN" })).toEqual(["Anna", "Annabel", "bob", "joan"]);
  });

  test("nobody fits: an empty list", () => {
    expect(matchingNames(names, "zed")).toEqual([]);
  });
});

describe("pickMention", () => {
  test("replaces the partial name with @name and a space, the caret after it", () => {
    const text = "hi @an";
    expect(pickMention(text, mentionQueryAt(text, 6)!, "ann")).toEqual({ text: "hi @ann ", caret: 8 });
  });

  test("in the middle of the text, keeps what follows and does not double a space", () => {
    const text = "@b how are you";
    expect(pickMention(text, mentionQueryAt(text, 2)!, "bob")).toEqual({ text: "@bob how are you", caret: 5 });
  });
});

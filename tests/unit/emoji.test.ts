/** shared/emoji.ts and the picker's grid keys: the search the emoji picker shows, and how the arrows move in it. */
import { describe, expect, test } from "bun:test";
import { moveInGrid } from "../../client/app/lib/emoji-grid.ts";
import { EMOJI_CHOICES, EMOJI_SHORTCODES, searchEmoji } from "../../shared/emoji.ts";

describe("searchEmoji", () => {
  test("names that start with the query come first, then names that hold it; colons are ignored", () => {
    expect(searchEmoji("tada")[0]).toEqual({ emoji: "🎉", names: ["tada"] });
    expect(searchEmoji(":thumbsup:")[0]?.emoji).toBe("👍");
    const hearts = searchEmoji("heart", 200);
    expect(hearts[0]!.names.some((n) => n.startsWith("heart"))).toBe(true);
    expect(hearts.some((c) => c.names.includes("purple_heart"))).toBe(true);
    const firstHolder = hearts.findIndex((c) => !c.names.some((n) => n.startsWith("heart")));
    expect(hearts.slice(firstHolder).every((c) => !c.names.some((n) => n.startsWith("heart")))).toBe(true);
  });

  test("one choice per emoji, its aliases together; a pasted emoji is offered as itself; at most `limit`", () => {
    expect(EMOJI_CHOICES.find((c) => c.emoji === "👍")?.names).toEqual(["+1", "thumbsup"]);
    expect(new Set(EMOJI_CHOICES.map((c) => c.emoji)).size).toBe(EMOJI_CHOICES.length);
    expect(searchEmoji(" 🦄 ")).toEqual([{ emoji: "🦄", names: ["unicorn"] }]);
    expect(searchEmoji("")).toHaveLength(48);
    expect(searchEmoji("a", 5)).toHaveLength(5);
    expect(searchEmoji("zzzz-nothing")).toEqual([]);
    expect(EMOJI_SHORTCODES.tada).toBe("🎉");
  });
});

describe("moveInGrid (8 columns)", () => {
  test("→ and ← move one step and stop at the ends; ↓ and ↑ move a row, staying put where there is none", () => {
    expect(moveInGrid(0, "ArrowRight", 20)).toBe(1);
    expect(moveInGrid(19, "ArrowRight", 20)).toBe(19);
    expect(moveInGrid(0, "ArrowLeft", 20)).toBe(0);
    expect(moveInGrid(3, "ArrowDown", 20)).toBe(11);
    expect(moveInGrid(13, "ArrowDown", 20)).toBe(13);
    expect(moveInGrid(11, "ArrowUp", 20)).toBe(3);
    expect(moveInGrid(3, "ArrowUp", 20)).toBe(3);
  });

  test("other keys are not the grid's, and an empty grid takes none", () => {
    expect(moveInGrid(0, "a", 20)).toBeNull();
    expect(moveInGrid(0, "Home", 20)).toBeNull();
    expect(moveInGrid(0, "ArrowDown", 0)).toBeNull();
  });
});

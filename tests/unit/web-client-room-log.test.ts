/** The room page's logic for edits, deletes, reactions and replies: own changes, chips, quotes, the composer's modes. */
import { describe, expect, test } from "bun:test";
import { TRPCClientError } from "@trpc/client";
import { afterLogChange, lastEditable, leaveMode, newMessage, startEdit } from "../../client/app/lib/composer-mode.ts";
import { createComposerState } from "../../client/app/lib/composer-state.ts";
import {
  emptyLog,
  findMessage,
  type Message,
  type MessageLog,
  withHistoryPage,
  withLiveEntry,
} from "../../client/app/lib/message-log.ts";
import { withOwnChange } from "../../client/app/lib/own-changes.ts";
import { checkEmoji, reactedBy, reactionChips } from "../../client/app/lib/reactions.ts";
import { createQuoteCache, quoteLine, quoteOf, quoteText } from "../../client/app/lib/reply-quote.ts";
import { type ActionsRoom, createRoomActions } from "../../client/app/lib/room-actions.ts";
import { english } from "../../shared/i18n/index.ts";
import type { RoomEntry } from "../../shared/schemas.ts";
import { testMessage } from "../support/entries.ts";

/** A refusal as the API sends it: its code, its English sentence, and the reason that names it (when it has one). */
const refusal = (code: string, message: string, reason?: string) =>
  new TRPCClientError(message, { result: { error: { message, code: -32600, data: { code, reason } } } });

const logOf = (...messages: Message[]): MessageLog =>
  withHistoryPage(emptyLog, { messages: messages.toReversed(), nextCursor: null });
const at = (log: MessageLog, seq: number) => findMessage(log, seq)!;

describe("withOwnChange", () => {
  test("an edit's answer shows at once, and its live copy arriving after changes nothing", () => {
    const log = logOf(testMessage(1, { text: "draft" }));
    const answer = testMessage(1, { text: "final", editedAt: "2026-12-01T10:00:00.000Z" });
    const after = withOwnChange(log, { kind: "edit", message: answer });
    expect(at(after, 1)).toMatchObject({ text: "final", editedAt: "2026-12-01T10:00:00.000Z" });
    const live: RoomEntry = {
      kind: "edit",
      seq: 2,
      target: 1,
      text: "final",
      editedAt: "2026-12-01T10:00:00.000Z",
      by: "ann",
    };
    expect(withLiveEntry(after, live).messages).toEqual(after.messages);
  });

  test("an answer that arrives after a later change from the stream does not undo it", () => {
    // Stream first: bob's 👍 (committed after ann's 🎉) is held; then ann's answer, which knows only her 🎉.
    let log = logOf(testMessage(1));
    log = withLiveEntry(log, { kind: "reaction", seq: 2, target: 1, emoji: "🎉", user: "ann", added: true });
    log = withLiveEntry(log, { kind: "reaction", seq: 3, target: 1, emoji: "👍", user: "bob", added: true });
    const answer = testMessage(1, { reactions: [{ emoji: "🎉", users: ["ann"] }] });
    const after = withOwnChange(log, { kind: "reaction", message: answer, emoji: "🎉", user: "ann" });
    expect(at(after, 1).reactions).toEqual([
      { emoji: "🎉", users: ["ann"] },
      { emoji: "👍", users: ["bob"] },
    ]);
    expect(after).toBe(log);
  });

  test("an older edit's answer after a newer edit or a delete is ignored", () => {
    const newer = logOf(testMessage(1, { text: "third", editedAt: "2026-12-01T10:00:02.000Z" }));
    const older = testMessage(1, { text: "second", editedAt: "2026-12-01T10:00:01.000Z" });
    expect(withOwnChange(newer, { kind: "edit", message: older })).toBe(newer);
    const deleted = logOf(testMessage(1, { text: "", deleted: true }));
    expect(withOwnChange(deleted, { kind: "edit", message: older })).toBe(deleted);
  });

  test("a delete leaves the tombstone the stream's delete would; a reaction taken back goes", () => {
    const log = logOf(testMessage(1, { text: "oops", reactions: [{ emoji: "👍", users: ["ann", "bob"] }] }));
    expect(at(withOwnChange(log, { kind: "delete", seq: 1 }), 1)).toMatchObject({
      text: "",
      deleted: true,
      reactions: [],
    });
    const answer = testMessage(1, { reactions: [{ emoji: "👍", users: ["ann"] }] });
    expect(
      at(withOwnChange(log, { kind: "reaction", message: answer, emoji: "👍", user: "bob" }), 1).reactions,
    ).toEqual([{ emoji: "👍", users: ["ann"] }]);
  });

  test("a message the page does not hold is left alone", () => {
    const log = logOf(testMessage(5));
    expect(withOwnChange(log, { kind: "delete", seq: 4 })).toBe(log);
  });
});

describe("reactions", () => {
  test("one chip per emoji with its count, yours marked, who in the tooltip", () => {
    const chips = reactionChips(
      english,
      [
        { emoji: "👍", users: ["ann", "bob"] },
        { emoji: "🎉", users: ["carl"] },
      ],
      "bob",
    );
    expect(chips).toEqual([
      { emoji: "👍", count: 2, mine: true, who: "you and ann" },
      { emoji: "🎉", count: 1, mine: false, who: "carl" },
    ]);
    expect(reactionChips(english, [{ emoji: "👍", users: ["ann"] }], null)[0]!.mine).toBe(false);
  });

  test("a long list of names is cut with a count", () => {
    const users = Array.from({ length: 12 }, (_, i) => `u${i}`);
    expect(reactedBy(english, users, null)).toBe("u0, u1, u2, u3, u4, u5, u6 and 5 others");
  });

  test("the any-emoji box takes one emoji and explains anything else", () => {
    expect(checkEmoji(" 👩🏽‍💻 ")).toEqual({ ok: true, emoji: "👩🏽‍💻" });
    expect(checkEmoji("🇫🇷")).toEqual({ ok: true, emoji: "🇫🇷" });
    expect(checkEmoji("")).toEqual({ ok: false, error: "Type or paste one emoji." });
    expect(checkEmoji("👍👍")).toEqual({
      ok: false,
      error: "An emoji is one emoji (like 👍 or 👩🏽‍💻), nothing else.",
    });
    expect(checkEmoji("ok")).toMatchObject({ ok: false });
  });
});

describe("reply quotes", () => {
  test("one line: the start of the text, cut with an ellipsis, counted in characters not UTF-16 units", () => {
    expect(quoteText("hello\n  world")).toBe("hello world");
    expect(quoteText("abcdefghij", 5)).toBe("abcd…");
    expect(quoteText("😀😀😀😀😀", 5)).toBe("😀😀😀😀😀");
  });

  test("says who, or that the answered message was deleted", () => {
    expect(quoteLine(quoteOf(testMessage(3, { sender: "ann", text: "see you at noon" })))).toBe("ann: see you at noon");
    expect(quoteOf(testMessage(3, { text: "", deleted: true }))).toEqual({ state: "deleted", sender: "ann" });
    expect(quoteOf(undefined)).toEqual({ state: "loading" });
    expect(quoteOf(null)).toEqual({ state: "missing" });
  });

  test("the cache fetches an answered message once, then keeps it current with the stream", async () => {
    const asked: number[] = [];
    const cache = createQuoteCache({
      load: async (seq) => {
        asked.push(seq);
        return seq === 404 ? null : testMessage(seq, { text: "old words" });
      },
    });
    expect(cache.get(7)).toBeUndefined();
    expect(cache.get(7)).toBeUndefined();
    expect(cache.get(404)).toBeUndefined();
    await Bun.sleep(0);
    expect(asked).toEqual([7, 404]);
    expect(cache.get(7)?.text).toBe("old words");
    expect(cache.get(404)).toBeNull();
    cache.fold({
      kind: "edit",
      seq: 50,
      target: 7,
      text: "new words",
      editedAt: "2026-12-01T10:00:00.000Z",
      by: "ann",
    });
    expect(cache.get(7)?.text).toBe("new words");
    cache.fold({ kind: "delete", seq: 51, target: 7, deletedAt: "2026-12-01T10:00:01.000Z", by: "ann" });
    expect(quoteOf(cache.get(7))).toEqual({ state: "deleted", sender: "ann" });
    expect(asked).toEqual([7, 404]);
  });

  test("the cache holds at most its capacity, dropping the first fetched", async () => {
    const cache = createQuoteCache({ load: async (seq) => testMessage(seq), capacity: 2 });
    for (const seq of [1, 2, 3]) cache.get(seq);
    await Bun.sleep(0);
    expect(cache.get(2)?.seq).toBe(2);
    expect(cache.get(3)?.seq).toBe(3);
    expect(cache.get(1)).toBeUndefined();
  });

  test("a failed fetch is asked again next time", async () => {
    let calls = 0;
    const cache = createQuoteCache({
      load: async (seq) => {
        if (++calls === 1) throw new Error("offline");
        return testMessage(seq);
      },
    });
    cache.get(9);
    await Bun.sleep(0);
    expect(cache.get(9)).toBeUndefined();
    await Bun.sleep(0);
    expect(cache.get(9)?.seq).toBe(9);
  });
});

describe("composer modes", () => {
  const mine = [
    testMessage(1, { sender: "ann", text: "first" }),
    testMessage(2, { sender: "bob" }),
    testMessage(3, { sender: "ann", text: "gone", deleted: true }),
  ];

  test("↑ finds your newest message that is not deleted; a guest has none", () => {
    expect(lastEditable(mine, "ann")?.seq).toBe(1);
    expect(lastEditable(mine, "bob")?.seq).toBe(2);
    expect(lastEditable(mine, "carl")).toBeUndefined();
    expect(lastEditable(mine, null)).toBeUndefined();
  });

  test("Esc ends an edit with the draft from before it, ends a reply keeping what was typed, and does nothing otherwise", () => {
    const editing = startEdit(newMessage, mine[0]!, "half a thought");
    expect(leaveMode(editing, "first, changed")).toEqual({ mode: newMessage, text: "half a thought" });
    expect(leaveMode({ kind: "reply", to: 2 }, "sure")).toEqual({ mode: newMessage, text: "sure" });
    expect(leaveMode(newMessage, "typing")).toBeNull();
    // Switching to another edit keeps the draft from before the first one.
    expect(startEdit(editing, mine[1]!, "first, changed")).toMatchObject({ seq: 2, draft: "half a thought" });
  });

  test("an edit or reply of a message deleted meanwhile ends, saying so", () => {
    const find = (seq: number) => mine.find((m) => m.seq === seq);
    expect(afterLogChange({ kind: "reply", to: 3 }, find)).toEqual({
      mode: newMessage,
      notice: "The message you were replying to was deleted.",
    });
    const editing = startEdit(newMessage, mine[0]!, "");
    expect(afterLogChange(editing, find).mode).toBe(editing);
  });
});

describe("createComposerState", () => {
  function composer(messages: Message[] = [testMessage(1, { sender: "ann", text: "hello" })]) {
    const calls: string[] = [];
    let fail: Error | null = null;
    const state = createComposerState({
      send: async (text) => {
        if (fail) throw fail;
        calls.push(`send ${text}`);
      },
      reply: async (to, text) => {
        if (fail) throw fail;
        calls.push(`reply ${to} ${text}`);
      },
      edit: async (seq, text) => {
        if (fail) throw fail;
        calls.push(`edit ${seq} ${text}`);
      },
      messages: () => messages,
      self: () => "ann",
      onDraft: (text) => calls.push(`draft ${text}`),
    });
    return { state, calls, failWith: (e: Error | null) => (fail = e) };
  }

  test("↑ on an empty composer edits your last message; Save sends the edit and gives back the empty draft", async () => {
    const { state, calls } = composer();
    expect(state.editLast()).toBe(true);
    expect(state.text()).toBe("hello");
    state.input("hello there");
    await state.submit();
    expect(calls).toEqual(["edit 1 hello there"]);
    expect(state.mode()).toEqual(newMessage);
    expect(state.text()).toBe("");
  });

  test("↑ does nothing while something is typed; saving an unchanged text stores nothing", async () => {
    const { state, calls } = composer();
    state.input("a draft");
    expect(state.editLast()).toBe(false);
    expect(state.text()).toBe("a draft");
    state.edit(testMessage(1, { sender: "ann", text: "hello" }));
    await state.submit();
    expect(calls).toEqual(["draft a draft"]);
    expect(state.text()).toBe("a draft");
  });

  test("a reply is sent with the seq it answers, then the composer writes new messages again", async () => {
    const { state, calls } = composer();
    state.reply(testMessage(1));
    state.input("agreed");
    await state.submit();
    state.input("and another");
    await state.submit();
    expect(calls).toEqual(["draft agreed", "reply 1 agreed", "draft and another", "send and another"]);
  });

  test("a refused edit keeps the edit open with the server's reason", async () => {
    const { state, failWith } = composer();
    state.editLast();
    state.input("changed");
    failWith(refusal("FORBIDDEN", "Only its sender can edit a message.", "senderOnlyEdit"));
    await state.submit();
    expect(state.error()).toBe("Only its sender can edit a message.");
    expect(state.mode()).toMatchObject({ kind: "edit", seq: 1 });
    expect(state.text()).toBe("changed");
  });

  test("an empty edit is refused before it reaches the server", async () => {
    const { state, calls } = composer();
    state.editLast();
    state.input("   ");
    await state.submit();
    expect(state.error()).toBe("A message cannot be empty.");
    expect(calls).toEqual([]);
  });
});

describe("createRoomActions", () => {
  function setup(room: Partial<ActionsRoom> = {}) {
    const shown: string[] = [];
    const composer = createComposerState({
      send: async () => {},
      reply: async () => {},
      edit: async () => {},
      messages: () => [],
      self: () => "ann",
    });
    const actions = createRoomActions({
      room: {
        react: async () => {},
        remove: async () => {},
        loadUntil: async () => true,
        olderError: () => null,
        quoted: (seq) => testMessage(seq, { sender: "bob", text: "the question" }),
        ...room,
      },
      composer,
      loadOlder: async () => {},
      show: (seq) => (shown.push(`show ${seq}`), true),
      focus: (seq) => shown.push(`focus ${seq}`),
      focusComposer: () => shown.push("composer"),
      highlightMs: 10,
    });
    return { actions, composer, shown };
  }

  test("a refused reaction is said in the message it was for, and the next action clears it", async () => {
    const { actions } = setup({
      react: () => Promise.reject(refusal("BAD_REQUEST", "A message takes at most 20 different emoji.")),
    });
    await actions.react(testMessage(4), "👍", true);
    expect(actions.errorFor(4)).toBe("A message takes at most 20 different emoji.");
    expect(actions.errorFor(5)).toBe("");
    actions.reply(testMessage(5));
    await actions.showQuoted(5, 1);
    expect(actions.errorFor(4)).toBe("");
  });

  test("a quote's click loads until the answered message is there, shows it and highlights it for a moment", async () => {
    const asked: number[] = [];
    const { actions, shown } = setup({ loadUntil: async (seq) => (asked.push(seq), true) });
    await actions.showQuoted(9, 2);
    expect(asked).toEqual([2]);
    expect(shown).toEqual(["show 2"]);
    expect(actions.highlighted()).toBe(2);
    await Bun.sleep(30); // past the highlight's moment: the behaviour under test
    expect(actions.highlighted()).toBeNull();
  });

  test("a quote whose message cannot be loaded says why, in the reply", async () => {
    const { actions, shown } = setup({
      loadUntil: async () => false,
      olderError: () => new TypeError("Failed to fetch"),
    });
    await actions.showQuoted(9, 2);
    expect(shown).toEqual([]);
    expect(actions.errorFor(9)).toBe(
      "Older messages could not be loaded: Cannot reach the server. Check your connection and try again.",
    );
  });

  test("reply and edit go to the composer; deleting the message being edited ends the edit", async () => {
    const { actions, composer, shown } = setup();
    actions.reply(testMessage(3));
    expect(actions.replyingTo()).toBe("bob: the question");
    actions.edit(testMessage(6, { sender: "ann", text: "mine" }));
    expect(actions.editing()).toBe(6);
    expect(composer.text()).toBe("mine");
    await actions.remove(testMessage(6, { sender: "ann" }));
    expect(actions.editing()).toBeNull();
    expect(shown).toEqual(["composer", "composer", "focus 6"]);
  });
});

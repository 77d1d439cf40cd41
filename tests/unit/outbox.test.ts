import { describe, expect, test } from "bun:test";
import {
  createOutbox,
  type KeyValueStorage,
  OUTBOX_MAX_ENTRIES,
  type OutboxEntry,
  OutboxFullError,
  outboxKey,
  type SendFailure,
} from "../../client/app/lib/outbox.ts";

/** localStorage's contract over a Map: what a reload keeps. */
class MemoryStorage implements KeyValueStorage {
  readonly items = new Map<string, string>();
  getItem = (key: string) => this.items.get(key) ?? null;
  setItem = (key: string, value: string) => void this.items.set(key, value);
  removeItem = (key: string) => void this.items.delete(key);
}

class Refused extends Error {}
class Unreachable extends Error {}
const classify = (error: unknown): SendFailure =>
  error instanceof Refused ? { kind: "refused", reason: error.message } : { kind: "unreachable" };

interface Stored {
  seq: number;
  text: string;
  clientId: string;
  replyTo?: number;
}

/**
 * A server as room.send behaves: one message per clientId (a retry gets the
 * stored one back), or down, or refusing texts it is told to refuse. `loseAnswers`
 * stores the message and then fails as a dropped connection would.
 */
function fakeServer() {
  const stored: Stored[] = [];
  const calls: string[] = [];
  const server = {
    stored,
    calls,
    down: false,
    loseAnswers: false,
    refuse: new Map<string, string>(),
    async send({ text, clientId, replyTo }: { text: string; clientId: string; replyTo?: number }): Promise<Stored> {
      calls.push(clientId);
      await Promise.resolve();
      if (server.down) throw new Unreachable("Failed to fetch");
      const reason = server.refuse.get(text);
      if (reason) throw new Refused(reason);
      let message = stored.find((m) => m.clientId === clientId);
      if (!message) {
        message = { seq: stored.length + 1, text, clientId, ...(replyTo === undefined ? {} : { replyTo }) };
        stored.push(message);
      }
      if (server.loseAnswers) throw new Unreachable("Failed to fetch");
      return message;
    },
  };
  return server;
}

function setup(storage = new MemoryStorage(), server = fakeServer(), user = "ann", room = "lobby") {
  const sent: Stored[] = [];
  let ids = 0;
  const outbox = createOutbox<Stored>({
    storage,
    user,
    room,
    send: (e) => server.send(e),
    onSent: (m) => sent.push(m),
    classify,
    newId: () => `${user}-${room}-id-${++ids}`,
    retryDelayMs: () => 60_000,
    online: () => false,
  });
  return { storage, server, sent, outbox };
}

const texts = (entries: readonly OutboxEntry[]) => entries.map((e) => `${e.text}:${e.state}`);

describe("outbox", () => {
  test("messages typed while the server is unreachable wait as 'sending', then go out in the order typed", async () => {
    const { server, sent, outbox, storage } = setup();
    server.down = true;
    outbox.add("one");
    outbox.add("two");
    outbox.add("three");
    await outbox.flush();
    expect(texts(outbox.entries())).toEqual(["one:sending", "two:sending", "three:sending"]);
    expect(server.stored).toEqual([]);

    server.down = false;
    await outbox.flush();
    expect(server.stored.map((m) => m.text)).toEqual(["one", "two", "three"]);
    expect(sent.map((m) => m.text)).toEqual(["one", "two", "three"]);
    expect(outbox.entries()).toEqual([]);
    expect(storage.items.size).toBe(0);
  });

  test("a message that gets no answer stops the flush there: nothing typed after it overtakes it", async () => {
    const { server, outbox } = setup();
    server.down = true;
    outbox.add("first");
    outbox.add("second");
    await outbox.flush();
    // Only the first was tried: the second waits behind it.
    expect(new Set(server.calls)).toEqual(new Set(["ann-lobby-id-1"]));
    expect(server.stored).toEqual([]);
  });

  test("every send carries the clientId made when it was typed, and the same one on every retry", async () => {
    const { server, outbox } = setup();
    server.down = true;
    const entry = outbox.add("hello");
    await outbox.flush();
    await outbox.flush();
    server.down = false;
    await outbox.flush();
    expect(server.calls.length).toBeGreaterThanOrEqual(3);
    expect(new Set(server.calls)).toEqual(new Set([entry.clientId]));
  });

  test("an answer lost after the server stored the message: the retry with the same clientId stores nothing new", async () => {
    const { server, sent, outbox } = setup();
    server.loseAnswers = true;
    outbox.add("once");
    await outbox.flush();
    expect(server.stored.map((m) => m.text)).toEqual(["once"]);
    expect(texts(outbox.entries())).toEqual(["once:sending"]);

    server.loseAnswers = false;
    await outbox.flush();
    expect(server.stored.map((m) => m.text)).toEqual(["once"]);
    expect(sent).toEqual([{ seq: 1, text: "once", clientId: "ann-lobby-id-1" }]);
    expect(outbox.entries()).toEqual([]);
  });

  test("two tabs flushing the same stored outbox at once: each message is stored once, in order", async () => {
    const storage = new MemoryStorage();
    const server = fakeServer();
    const tab1 = setup(storage, server);
    server.down = true;
    tab1.outbox.add("a");
    tab1.outbox.add("b");
    tab1.outbox.add("c");
    await tab1.outbox.flush();
    const tab2 = setup(storage, server);
    server.down = false;
    await Promise.all([tab1.outbox.flush(), tab2.outbox.flush()]);
    expect(server.stored.map((m) => m.text)).toEqual(["a", "b", "c"]);
    expect(tab1.outbox.entries()).toEqual([]);
  });

  test("a flush asked for during a flush is not a second send of the same message", async () => {
    const { server, outbox } = setup();
    outbox.add("x");
    const flushes = [outbox.flush(), outbox.flush(), outbox.flush()];
    outbox.add("y");
    await Promise.all(flushes);
    await outbox.flush();
    expect(server.stored.map((m) => m.text)).toEqual(["x", "y"]);
    expect(server.calls).toEqual(["ann-lobby-id-1", "ann-lobby-id-2"]);
  });

  test("a refused message is marked 'failed' with the server's reason; later messages still go out", async () => {
    const { server, outbox } = setup();
    server.refuse.set("too fast", "You are sending messages too fast. Try again in a moment.");
    outbox.add("before");
    outbox.add("too fast");
    outbox.add("after");
    await outbox.flush();
    expect(server.stored.map((m) => m.text)).toEqual(["before", "after"]);
    expect(outbox.entries()).toEqual([
      {
        clientId: "ann-lobby-id-2",
        text: "too fast",
        createdAt: expect.any(String),
        state: "failed",
        reason: "You are sending messages too fast. Try again in a moment.",
      },
    ]);
  });

  test("retry sends a refused message again (after what already waits); discard drops it unsent", async () => {
    const { server, outbox } = setup();
    server.refuse.set("r1", "no");
    server.refuse.set("r2", "no");
    outbox.add("r1");
    outbox.add("r2");
    await outbox.flush();
    expect(texts(outbox.entries())).toEqual(["r1:failed", "r2:failed"]);

    server.refuse.clear();
    await outbox.retry("ann-lobby-id-1");
    expect(server.stored.map((m) => m.text)).toEqual(["r1"]);
    outbox.discard("ann-lobby-id-2");
    await outbox.flush();
    expect(server.stored.map((m) => m.text)).toEqual(["r1"]);
    expect(outbox.entries()).toEqual([]);
  });

  test("a reload (a new outbox over the same storage) shows what waited and sends it, in order, once", async () => {
    const storage = new MemoryStorage();
    const server = fakeServer();
    const before = setup(storage, server);
    server.down = true;
    before.outbox.add("typed offline 1");
    before.outbox.add("typed offline 2");
    server.refuse.set("refused", "You are not a member of 'lobby'.");
    before.outbox.add("refused");
    await before.outbox.flush();
    before.outbox.dispose();

    const after = setup(storage, server);
    expect(texts(after.outbox.entries())).toEqual([
      "typed offline 1:sending",
      "typed offline 2:sending",
      "refused:sending",
    ]);
    server.down = false;
    await after.outbox.flush();
    expect(server.stored.map((m) => m.text)).toEqual(["typed offline 1", "typed offline 2"]);
    expect(texts(after.outbox.entries())).toEqual(["refused:failed"]);

    // The refusal and its reason are kept across a reload too.
    const third = setup(storage, server);
    expect(third.outbox.entries()[0]?.reason).toBe("You are not a member of 'lobby'.");
  });

  test("a reply waits with the message it answers and goes out as a reply to it, also after a reload", async () => {
    const storage = new MemoryStorage();
    const server = fakeServer();
    server.down = true;
    setup(storage, server).outbox.add("yes, agreed", 7);
    const after = setup(storage, server);
    server.down = false;
    await after.outbox.flush();
    expect(server.stored).toEqual([{ seq: 1, text: "yes, agreed", clientId: "ann-lobby-id-1", replyTo: 7 }]);
  });

  test("each user and each room has an outbox of its own", async () => {
    const storage = new MemoryStorage();
    const server = fakeServer();
    server.down = true;
    setup(storage, server, "ann", "lobby").outbox.add("ann in lobby");
    setup(storage, server, "bob", "lobby").outbox.add("bob in lobby");
    setup(storage, server, "ann", "dev").outbox.add("ann in dev");
    expect(texts(setup(storage, server, "ann", "lobby").outbox.entries())).toEqual(["ann in lobby:sending"]);
    expect(texts(setup(storage, server, "bob", "lobby").outbox.entries())).toEqual(["bob in lobby:sending"]);
    expect(texts(setup(storage, server, "ann", "dev").outbox.entries())).toEqual(["ann in dev:sending"]);
    expect([...storage.items.keys()].sort()).toEqual(
      [outboxKey("ann", "dev"), outboxKey("ann", "lobby"), outboxKey("bob", "lobby")].sort(),
    );
  });

  test("what storage holds that is not an outbox (another version, a broken write) reads as empty", () => {
    const storage = new MemoryStorage();
    storage.setItem(outboxKey("ann", "lobby"), "{not json");
    expect(setup(storage).outbox.entries()).toEqual([]);
    storage.setItem(
      outboxKey("ann", "lobby"),
      JSON.stringify([
        { text: "no id" },
        { clientId: "ok-id-123", text: "kept", createdAt: "2026-01-01T00:00:00.000Z", state: "sending" },
      ]),
    );
    expect(texts(setup(storage).outbox.entries())).toEqual(["kept:sending"]);
  });

  test(`at most ${OUTBOX_MAX_ENTRIES} messages wait: one more is refused with an error that says so`, () => {
    const { server, outbox } = setup();
    server.down = true;
    for (let i = 0; i < OUTBOX_MAX_ENTRIES; i++) outbox.add(`m${i}`);
    expect(() => outbox.add("one too many")).toThrow(OutboxFullError);
    expect(outbox.entries().length).toBe(OUTBOX_MAX_ENTRIES);
  });

  test("after no answer, a flush is scheduled by itself when the network is thought up", async () => {
    const storage = new MemoryStorage();
    const server = fakeServer();
    server.down = true;
    let retried!: () => void;
    const retriedOnce = new Promise<void>((resolve) => (retried = resolve));
    const outbox = createOutbox<Stored>({
      storage,
      user: "ann",
      room: "lobby",
      send: async (e) => {
        const m = await server.send(e);
        retried();
        return m;
      },
      classify,
      retryDelayMs: () => 5,
      online: () => true,
    });
    outbox.add("later");
    await outbox.flush();
    server.down = false;
    await retriedOnce;
    await outbox.flush();
    expect(server.stored.map((m) => m.text)).toEqual(["later"]);
    outbox.dispose();
  });
});

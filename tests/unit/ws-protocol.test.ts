/**
 * Our encoding of tRPC's WebSocket protocol, frame by frame, against what tRPC's
 * own handler sends (`JSON.stringify(transformTRPCResponse(…))` of the objects it
 * builds), with the default transformer and with one that changes the data.
 * The integration suites prove the same with the real wsLink.
 */
import { describe, expect, test } from "bun:test";
import { type AnyRouter, initTRPC, TRPCError, tracked, transformTRPCResponse } from "@trpc/server";
import { ZodError } from "zod";
import { appRouter } from "../../server/trpc/router.ts";
import {
  createFrameEncoder,
  decodeConnectionParams,
  decodeMessages,
  framePrefix,
  RECONNECT_FRAME,
  withLastEventId,
} from "../../server/trpc/ws/protocol.ts";
import { MessageText } from "../../shared/schemas.ts";

/** A transformer that visibly rewrites what it serializes, and counts its calls. */
function wrappingRouter() {
  const calls = { serialize: 0 };
  const t = initTRPC.create({
    transformer: {
      serialize: (value: unknown) => {
        calls.serialize++;
        return { wrapped: value ?? null };
      },
      deserialize: (value: unknown) => (value as { wrapped: unknown }).wrapped,
    },
  });
  return { router: t.router({}), calls };
}

const plainRouter = initTRPC.create().router({});

/** What tRPC's handler sends for a subscription event (adapters/ws.ts builds `result` this way). */
function trpcEventFrame(router: AnyRouter, id: number | string, jsonrpc: "2.0" | undefined, value: unknown): string {
  const result: Record<string, unknown> = { type: "data", data: value };
  if (Array.isArray(value) && value.length === 3) {
    const [eventId, data] = value as [string, unknown];
    result.id = eventId;
    result.data = { id: eventId, data };
  }
  return JSON.stringify(transformTRPCResponse(router._def._config, { id, jsonrpc, result } as never));
}

const message = {
  id: 7,
  room: "lobby",
  seq: 5,
  sender: "ann",
  text: 'hi "there" ✓',
  sentAt: "2026-11-23T12:00:00.000Z",
};

describe("frame encoder", () => {
  for (const [name, router] of [
    ["default transformer", plainRouter],
    ["a transformer that rewrites data", wrappingRouter().router],
  ] as const) {
    test(`${name}: tracked and untracked events, answers, started/stopped are tRPC's frames`, () => {
      const frames = createFrameEncoder(router);
      for (const [id, jsonrpc] of [
        [1, undefined],
        ["sub-2", "2.0"],
      ] as const) {
        const prefix = framePrefix(id, jsonrpc);
        expect(frames.event(prefix, tracked("5", message))).toBe(
          trpcEventFrame(router, id, jsonrpc, tracked("5", message)),
        );
        expect(frames.event(prefix, { users: ["ann"], guests: 1 })).toBe(
          trpcEventFrame(router, id, jsonrpc, { users: ["ann"], guests: 1 }),
        );
        expect(frames.event(prefix, tracked("6", "a string"))).toBe(
          trpcEventFrame(router, id, jsonrpc, tracked("6", "a string")),
        );
        for (const answer of [{ ok: true }, null, undefined, 42]) {
          expect(frames.data(prefix, answer)).toBe(trpcEventFrame(router, id, jsonrpc, answer));
        }
        expect(JSON.parse(frames.started(prefix))).toEqual({ id, jsonrpc, result: { type: "started" } });
        expect(JSON.parse(frames.stopped(prefix))).toEqual({ id, jsonrpc, result: { type: "stopped" } });
      }
    });
  }

  test("a tracked payload is serialized once however many subscribers it goes to", () => {
    const { router, calls } = wrappingRouter();
    const frames = createFrameEncoder(router);
    const sent = [1, 2, 3].map((id) => frames.event(framePrefix(id, undefined), tracked("5", message)));
    expect(calls.serialize).toBe(1);
    expect(sent.map((f) => JSON.parse(f).id)).toEqual([1, 2, 3]);
    expect(new Set(sent.map((f) => f.slice(f.indexOf('"result"')))).size).toBe(1);
  });

  test("the same object tracked under another id is encoded again, with that id", () => {
    const frames = createFrameEncoder(plainRouter);
    frames.event(framePrefix(1, undefined), tracked("5", message));
    const again = JSON.parse(frames.event(framePrefix(1, undefined), tracked("6", message)));
    expect(again.result).toEqual({ type: "data", id: "6", data: { id: "6", data: message } });
  });

  test("errors go through the router's errorFormatter: readable zod messages, never a stack", () => {
    const frames = createFrameEncoder(appRouter);
    // What tRPC wraps when an input parser throws.
    const zod = MessageText.safeParse("").error!;
    expect(zod).toBeInstanceOf(ZodError);
    const error = new TRPCError({ code: "BAD_REQUEST", cause: zod });
    const call = { error, type: "mutation" as const, path: "room.send", input: { text: "" } };
    const hidden = JSON.parse(frames.error(3, undefined, { ...call, ctx: undefined }));
    expect(hidden.id).toBe(3);
    expect(hidden.error.data.code).toBe("BAD_REQUEST");
    expect(hidden.error.data.stack).toBeUndefined();
    expect(hidden.error.message).toBe(zod.issues.map((i) => i.message).join("; "));
    // Each issue says where and what (a person's words), with its code and bound for clients that word it themselves.
    expect(hidden.error.data.issues).toEqual([
      { path: [], message: zod.issues[0]!.message, code: "too_small", minimum: 1 },
    ]);
  });

  test("a formatter that throws still answers, with a shape that says nothing", () => {
    const t = initTRPC.create({
      errorFormatter: () => {
        throw new Error("formatter bug");
      },
    });
    const heard: string[] = [];
    const frames = createFrameEncoder(t.router({}));
    const frame = frames.error(
      null,
      undefined,
      {
        error: new TRPCError({ code: "FORBIDDEN", message: "secret" }),
        type: "unknown",
        path: undefined,
        input: undefined,
        ctx: undefined,
      },
      (e) => heard.push(e.message),
    );
    expect(JSON.parse(frame)).toEqual({
      id: null,
      error: {
        code: -32603,
        message: "Internal server error",
        data: { code: "INTERNAL_SERVER_ERROR", httpStatus: 500 },
      },
    });
    expect(heard).toEqual(["formatter bug"]);
  });

  test("the reconnect notice is tRPC's", () => {
    expect(JSON.parse(RECONNECT_FRAME)).toEqual({ id: null, method: "reconnect" });
  });
});

describe("decoding", () => {
  test("a single request and a batch; subscription.stop; input through the transformer", () => {
    const one = decodeMessages(
      JSON.stringify({ id: 1, method: "query", params: { path: "a.b", input: { x: 1 } } }),
      plainRouter,
    );
    expect(one).toEqual([
      { id: 1, jsonrpc: undefined, method: "query", params: { path: "a.b", input: { x: 1 }, lastEventId: undefined } },
    ]);
    const batch = decodeMessages(
      JSON.stringify([
        {
          id: "s",
          jsonrpc: "2.0",
          method: "subscription",
          params: { path: "room.messages", input: { room: "r" }, lastEventId: "4" },
        },
        { id: "s", method: "subscription.stop" },
      ]),
      plainRouter,
    );
    expect(batch.map((m) => m.method)).toEqual(["subscription", "subscription.stop"]);
    const { router } = wrappingRouter();
    const wrapped = decodeMessages(
      JSON.stringify({ id: 2, method: "mutation", params: { path: "p", input: { wrapped: 9 } } }),
      router,
    );
    expect(wrapped[0]).toMatchObject({ params: { input: 9 } });
  });

  test("malformed frames throw (answered as PARSE_ERROR): not JSON, binary, unknown method, no path", () => {
    for (const frame of [
      "nope",
      JSON.stringify({ id: 1, method: "explode", params: {} }),
      JSON.stringify({ id: 1, method: "query", params: {} }),
      JSON.stringify([{ id: 1, method: "query", params: { path: "a" } }, 5]),
    ]) {
      expect(() => decodeMessages(frame, plainRouter)).toThrow();
    }
    expect(() => decodeMessages(new Uint8Array([123, 125]), plainRouter)).toThrow();
  });

  test("connectionParams: the first frame's data, or PARSE_ERROR", () => {
    expect(decodeConnectionParams(JSON.stringify({ method: "connectionParams", data: { token: "t" } }))).toEqual({
      token: "t",
    });
    expect(decodeConnectionParams(JSON.stringify({ method: "connectionParams", data: null }))).toBeNull();
    for (const frame of ["[1]", "nope", new Uint8Array([1])]) {
      let code: unknown;
      try {
        decodeConnectionParams(frame);
      } catch (error) {
        code = (error as TRPCError).code;
      }
      expect(code).toBe("PARSE_ERROR");
    }
  });

  test("lastEventId goes into the input as tRPC merges it", () => {
    expect(withLastEventId({ room: "r" }, "5")).toEqual({ room: "r", lastEventId: "5" });
    expect(withLastEventId(undefined, "5")).toEqual({ lastEventId: "5" });
    expect(withLastEventId(null, "5")).toEqual({ lastEventId: "5" });
    expect(withLastEventId("text", "5")).toBe("text");
    const input = { room: "r" };
    expect(withLastEventId(input, undefined)).toBe(input);
  });
});

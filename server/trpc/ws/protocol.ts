/**
 * tRPC's WebSocket wire protocol — the one `@trpc/client`'s wsLink speaks and
 * tRPC's own `adapters/ws.ts` serves — as pure functions: decoding what a client
 * sends, encoding what the server answers. Text JSON frames only. Built from
 * tRPC's public exports; the few helpers it does not export are written here.
 *
 * Frames out (`<p>` is the request's `{"id":…,` or `{"id":…,"jsonrpc":"2.0",`):
 *   answer / untracked event  <p>"result":{"type":"data","data":…}}
 *   tracked event             <p>"result":{"type":"data","data":{"id":…,"data":…},"id":…}}
 *   subscription              <p>"result":{"type":"started"}}   <p>"result":{"type":"stopped"}}
 *   error                     {"id":…,"error":<errorFormatter's shape>}
 * Key order and shape match tRPC's (`JSON.stringify(transformTRPCResponse(…))`).
 */
import {
  type AnyRouter,
  getErrorShape,
  getTRPCErrorFromUnknown,
  isTrackedEnvelope,
  TRPCError,
  transformTRPCResponse,
} from "@trpc/server";
import { parseConnectionParamsFromUnknown } from "@trpc/server/http";
import { parseTRPCMessage, TRPC_ERROR_CODES_BY_KEY, type TRPCClientOutgoingMessage } from "@trpc/server/rpc";

export type RequestId = string | number;
export type ProcedureCall = Extract<TRPCClientOutgoingMessage, { params: unknown }>;
export type CallType = ProcedureCall["method"];
export type ConnectionParams = ReturnType<typeof parseConnectionParamsFromUnknown>;

/** tRPC's "reconnect" notice: its client opens a new connection at once and resubscribes. */
export const RECONNECT_FRAME = '{"id":null,"method":"reconnect"}';

/** What a client gets when its error cannot be formatted: nothing the formatter would have hidden. */
const FALLBACK_ERROR_SHAPE = {
  code: TRPC_ERROR_CODES_BY_KEY.INTERNAL_SERVER_ERROR,
  message: "Internal server error",
  data: { code: "INTERNAL_SERVER_ERROR", httpStatus: 500 },
};

const isObject = (value: unknown): value is Record<string, unknown> =>
  !!value && typeof value === "object" && !Array.isArray(value);

export function isAsyncIterable(value: unknown): value is AsyncIterable<unknown> {
  return value != null && typeof value === "object" && Symbol.asyncIterator in value;
}

export function isAbortError(error: unknown): boolean {
  return isObject(error) && error.name === "AbortError";
}

/** A frame's requests (a batch is an array). Throws on anything malformed: the caller answers PARSE_ERROR. */
export function decodeMessages(frame: string | Uint8Array, router: AnyRouter): TRPCClientOutgoingMessage[] {
  if (typeof frame !== "string")
    throw new Error("Binary frames are not part of the protocol: send JSON in text frames.");
  const json: unknown = JSON.parse(frame);
  const transformer = router._def._config.transformer;
  return (Array.isArray(json) ? json : [json]).map((raw) => parseTRPCMessage(raw, transformer));
}

/** The first frame of a `?connectionParams=1` connection: `{"method":"connectionParams","data":{…}}`. */
export function decodeConnectionParams(frame: string | Uint8Array): ConnectionParams {
  let message: unknown;
  try {
    if (typeof frame !== "string") throw new Error("Binary frame");
    message = JSON.parse(frame);
    if (!isObject(message)) throw new Error("Message was not an object");
  } catch (cause) {
    throw new TRPCError({ code: "PARSE_ERROR", message: "Malformed TRPCConnectionParamsMessage", cause });
  }
  return parseConnectionParamsFromUnknown(message.data);
}

/** The client's `lastEventId` (a resuming subscription) goes into the procedure's input. */
export function withLastEventId(input: unknown, lastEventId: string | undefined): unknown {
  if (lastEventId === undefined) return input;
  if (isObject(input)) return { ...input, lastEventId };
  return input ?? { lastEventId };
}

/** `{"id":…,` — the start of every frame answering request `id`; computed once per subscription. */
export function framePrefix(id: RequestId | null, jsonrpc: "2.0" | undefined): string {
  return jsonrpc === undefined ? `{"id":${JSON.stringify(id)},` : `{"id":${JSON.stringify(id)},"jsonrpc":"2.0",`;
}

export interface ErrorCall {
  error: TRPCError;
  type: CallType | "unknown";
  path: string | undefined;
  input: unknown;
  ctx: unknown;
}

export interface FrameEncoder {
  /** A query's answer or an untracked subscription event. */
  data(prefix: string, data: unknown): string;
  /** A subscription event: tracked ones carry their id twice, as tRPC sends them (the client resumes from `result.id`). */
  event(prefix: string, value: unknown): string;
  started(prefix: string): string;
  stopped(prefix: string): string;
  /** An error through the router's errorFormatter; `onFormatterError` hears of a formatter that throws. */
  error(
    id: RequestId | null,
    jsonrpc: "2.0" | undefined,
    call: ErrorCall,
    onFormatterError?: (error: TRPCError) => void,
  ): string;
}

/**
 * The encoder for one router. A tracked event's payload is serialized once per
 * published object, not once per subscriber: the group layer hands the same event
 * object to every local subscriber, so each of their frames is a concatenation
 * around one shared string. Yielded values must not be mutated afterwards (ours
 * are messages, immutable once stored).
 */
export function createFrameEncoder(router: AnyRouter): FrameEncoder {
  const config = router._def._config;
  const serialize = (data: unknown): unknown => config.transformer.output.serialize(data);
  /** The tracked payload's object → the frame's tail after the prefix, for the id it was built with. */
  const tails = new WeakMap<object, { id: string; tail: string }>();

  const dataTail = (data: unknown): string => {
    const json = JSON.stringify(serialize(data));
    return json === undefined ? `"result":{"type":"data"}}` : `"result":{"type":"data","data":${json}}}`;
  };

  const trackedTail = (id: string, data: unknown): string => {
    // Same as tRPC: result.data = {id, data} through the transformer, result.id = id.
    const json = JSON.stringify(serialize({ id, data }));
    return `"result":{"type":"data","data":${json},"id":${JSON.stringify(id)}}}`;
  };

  return {
    data: (prefix, data) => prefix + dataTail(data),

    event(prefix, value) {
      if (!isTrackedEnvelope(value)) return prefix + dataTail(value);
      const [id, data] = value;
      if (typeof data !== "object" || data === null) return prefix + trackedTail(id, data);
      const cached = tails.get(data);
      if (cached && cached.id === id) return prefix + cached.tail;
      const tail = trackedTail(id, data);
      tails.set(data, { id, tail });
      return prefix + tail;
    },

    started: (prefix) => `${prefix}"result":{"type":"started"}}`,
    stopped: (prefix) => `${prefix}"result":{"type":"stopped"}}`,

    error(id, jsonrpc, call, onFormatterError) {
      let shape: unknown;
      try {
        shape = getErrorShape({ config, ...call });
      } catch (cause) {
        onFormatterError?.(getTRPCErrorFromUnknown(cause));
        shape = FALLBACK_ERROR_SHAPE;
      }
      try {
        return JSON.stringify(transformTRPCResponse(config, { id, jsonrpc, error: shape as never }));
      } catch (cause) {
        onFormatterError?.(getTRPCErrorFromUnknown(cause));
        return JSON.stringify({ id, jsonrpc, error: FALLBACK_ERROR_SHAPE });
      }
    },
  };
}

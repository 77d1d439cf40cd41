/**
 * A WebSocket client spoken by hand over TCP, for what real clients never do:
 * stop reading, send malformed frames, invalid UTF-8. Everything else in the
 * tests uses the real tRPC client.
 */
import net from "node:net";

export interface RawWebSocket {
  /** The HTTP response head to the upgrade. */
  handshake: string;
  /** Every byte received after the handshake. */
  received(): Buffer;
  /** The complete text frames received so far, parsed as JSON (tRPC's replies). */
  textFrames(): unknown[];
  /** The code of the server's close frame, once one has been received. */
  closeCode(): number | null;
  /** Sends one masked frame (opcode 1 = text, 2 = binary). */
  send(payload: string | Buffer, opcode?: 1 | 2): void;
  pause(): void;
  resume(): void;
  closed: Promise<void>;
  destroy(): void;
}

function frame(payload: Buffer, opcode: number): Buffer {
  const mask = Buffer.from([0x12, 0x34, 0x56, 0x78]);
  const len = payload.length;
  const head =
    len < 126
      ? Buffer.from([0x80 | opcode, 0x80 | len])
      : len < 65536
        ? Buffer.from([0x80 | opcode, 0x80 | 126, len >> 8, len & 255])
        : Buffer.concat([
            Buffer.from([0x80 | opcode, 0x80 | 127]),
            (() => {
              const b = Buffer.alloc(8);
              b.writeBigUInt64BE(BigInt(len));
              return b;
            })(),
          ]);
  const masked = Buffer.alloc(len);
  for (let i = 0; i < len; i++) masked[i] = payload[i]! ^ mask[i % 4]!;
  return Buffer.concat([head, mask, masked]);
}

/** Server frames are unmasked: opcode, length (7, 16 or 64 bits), payload. */
function parseTextFrames(buf: Buffer): unknown[] {
  const out: unknown[] = [];
  eachFrame(buf, (opcode, payload) => {
    if (opcode === 1) out.push(JSON.parse(payload.toString("utf8")));
  });
  return out;
}

function parseCloseCode(buf: Buffer): number | null {
  let code: number | null = null;
  eachFrame(buf, (opcode, payload) => {
    if (opcode === 8 && payload.length >= 2) code = payload.readUInt16BE(0);
  });
  return code;
}

function eachFrame(buf: Buffer, visit: (opcode: number, payload: Buffer) => void): void {
  let at = 0;
  while (at + 2 <= buf.length) {
    let len = buf[at + 1]! & 0x7f;
    let head = 2;
    if (len === 126) {
      if (at + 4 > buf.length) break;
      len = buf.readUInt16BE(at + 2);
      head = 4;
    } else if (len === 127) {
      if (at + 10 > buf.length) break;
      len = Number(buf.readBigUInt64BE(at + 2));
      head = 10;
    }
    if (at + head + len > buf.length) break;
    visit(buf[at]! & 0x0f, buf.subarray(at + head, at + head + len));
    at += head + len;
  }
}

export interface RawWebSocketOptions {
  /**
   * Hears each complete frame as it arrives, and then the frame is dropped: a
   * reader of hundreds of megabytes that keeps nothing (`received()` and
   * `textFrames()` then hold only an incomplete frame, `closeCode()` still works).
   */
  onFrame?: (opcode: number, payload: Buffer) => void;
}

export async function openRawWebSocket(
  baseUrl: string,
  path = "/trpc",
  opts: RawWebSocketOptions = {},
): Promise<RawWebSocket> {
  const { hostname, port } = new URL(baseUrl);
  const socket = net.connect(Number(port), hostname);
  await new Promise<void>((resolve, reject) => {
    socket.once("connect", resolve);
    socket.once("error", reject);
  });
  let data = Buffer.alloc(0);
  // Chunks since `data` was last joined: joined on demand, so receiving megabytes stays linear.
  let chunks: Buffer[] = [];
  const joined = () => {
    if (chunks.length > 0) {
      data = Buffer.concat([data, ...chunks]);
      chunks = [];
    }
    return data;
  };
  let handshake = "";
  let closeCode: number | null = null;
  /** With `onFrame`: hands on every complete frame and keeps only the incomplete rest. */
  const consume = (onFrame: NonNullable<RawWebSocketOptions["onFrame"]>) => {
    const buf = joined();
    let used = 0;
    eachFrame(buf, (opcode, payload) => {
      if (opcode === 8 && payload.length >= 2) closeCode = payload.readUInt16BE(0);
      onFrame(opcode, payload);
      used = payload.byteOffset - buf.byteOffset + payload.length;
    });
    data = buf.subarray(used);
  };
  const headDone = new Promise<void>((resolve) => {
    socket.on("data", (chunk: Buffer) => {
      if (handshake) {
        chunks.push(chunk);
        if (opts.onFrame) consume(opts.onFrame);
        return;
      }
      data = Buffer.concat([data, chunk]);
      const end = data.indexOf("\r\n\r\n");
      if (end >= 0) {
        handshake = data.subarray(0, end).toString("latin1");
        data = data.subarray(end + 4);
        if (opts.onFrame) consume(opts.onFrame);
        resolve();
      }
    });
  });
  const closed = new Promise<void>((resolve) => socket.once("close", () => resolve()));
  socket.write(
    `GET ${path} HTTP/1.1\r\nHost: ${hostname}:${port}\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n` +
      "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n",
  );
  await headDone;
  return {
    handshake,
    received: joined,
    textFrames: () => parseTextFrames(joined()),
    closeCode: () => closeCode ?? parseCloseCode(joined()),
    send: (payload, opcode = 1) =>
      socket.write(frame(typeof payload === "string" ? Buffer.from(payload) : payload, opcode)),
    pause: () => socket.pause(),
    resume: () => socket.resume(),
    closed,
    destroy: () => socket.destroy(),
  };
}

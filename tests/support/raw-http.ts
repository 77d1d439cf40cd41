/**
 * An HTTP/1.1 request written by hand over TCP, for what fetch cannot do: declare
 * a body length and send only part of it, then see what the server answers.
 */
export interface PartialRequest {
  /** Resolves with everything the server has sent once it has sent a status line. */
  answer: Promise<string>;
  /** Bytes of body written so far. */
  sent(): number;
  close(): void;
}

export async function sendPartial(
  url: string,
  head: { method: string; path: string; headers: Record<string, string> },
  body: Uint8Array,
): Promise<PartialRequest> {
  const { hostname, port } = new URL(url);
  let received = "";
  let written = 0;
  const { promise: answer, resolve } = Promise.withResolvers<string>();
  const socket = await Bun.connect({
    hostname,
    port: Number(port),
    socket: {
      data(_socket, chunk) {
        received += new TextDecoder().decode(chunk);
        if (received.includes("\r\n")) resolve(received);
      },
      close() {
        resolve(received);
      },
    },
  });
  const lines = [
    `${head.method} ${head.path} HTTP/1.1`,
    `host: ${hostname}:${port}`,
    ...Object.entries(head.headers).map(([k, v]) => `${k}: ${v}`),
    "",
    "",
  ];
  socket.write(lines.join("\r\n"));
  written = socket.write(body);
  return { answer, sent: () => written, close: () => socket.end() };
}

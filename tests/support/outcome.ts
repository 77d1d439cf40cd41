/** What a tRPC call came to, as a user of the client sees it. */
import { TRPCClientError } from "@trpc/client";

/** "OK", or the tRPC error code the call failed with (e.g. "BAD_REQUEST"). */
export async function outcome(call: Promise<unknown>): Promise<string> {
  try {
    await call;
    return "OK";
  } catch (error) {
    if (error instanceof TRPCClientError) return String(error.data?.code);
    throw error;
  }
}

/** The code and message of a call that must fail; throws if it succeeded. */
export async function failure(call: Promise<unknown>): Promise<{ code: string | undefined; message: string }> {
  try {
    await call;
  } catch (error) {
    if (error instanceof TRPCClientError) return { code: error.data?.code, message: error.message };
    throw error;
  }
  throw new Error("the call succeeded; it should have failed");
}

/** A WebSocket upgrade request to /trpc with these headers; resolves to the HTTP status (101 when accepted). */
export async function upgradeStatus(baseUrl: string, headers: Record<string, string> = {}): Promise<number> {
  const res = await fetch(`${baseUrl}/trpc`, {
    headers: {
      connection: "Upgrade",
      upgrade: "websocket",
      "sec-websocket-version": "13",
      "sec-websocket-key": "dGhlIHNhbXBsZSBub25jZQ==",
      ...headers,
    },
  });
  return res.status;
}

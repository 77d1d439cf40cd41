/**
 * A real tRPC client (HTTP only) whose requests carry the X-Forwarded-For a
 * proxy in front of the server would add: with TRUST_PROXY=1 in the server's
 * config, the server takes `address` as the client's. Simulates clients at
 * several addresses over loopback.
 */
import { createTRPCClient, httpBatchLink } from "@trpc/client";
import type { ParlorClient } from "../../client/parlor-client.ts";
import type { AppRouter } from "../../server/trpc/router.ts";

export function clientBehindProxy(baseUrl: string, address: string, token?: string): ParlorClient {
  return createTRPCClient<AppRouter>({
    links: [
      httpBatchLink({
        url: new URL("/trpc", baseUrl).toString(),
        headers: () => ({ "x-forwarded-for": address, ...(token ? { authorization: `Bearer ${token}` } : {}) }),
      }),
    ],
  });
}

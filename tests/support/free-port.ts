/** A port that was free a moment ago (the OS picks it): for a server a test starts that cannot take port 0. */
export function freePort(): number {
  const probe = Bun.serve({ port: 0, hostname: "127.0.0.1", fetch: () => new Response() });
  const port = probe.port!;
  probe.stop(true);
  return port;
}

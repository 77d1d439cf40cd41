/**
 * GET /metrics: off (404, as for any unknown path) unless METRICS_TOKEN is
 * set; then only for `Authorization: Bearer <METRICS_TOKEN>` (401 otherwise,
 * compared in constant time), never for a browser's cookie.
 */
import { timingSafeEqual } from "node:crypto";
import type { Metrics } from "../ops/metrics.ts";

function bearerMatches(header: string | null, token: string): boolean {
  if (!header?.startsWith("Bearer ")) return false;
  // Hashing first gives equal lengths, so the comparison takes the same time whatever was sent.
  const sent = new Bun.CryptoHasher("sha256").update(header.slice("Bearer ".length)).digest();
  const wanted = new Bun.CryptoHasher("sha256").update(token).digest();
  return timingSafeEqual(sent, wanted);
}

export async function metricsResponse(
  request: Request,
  metrics: Metrics,
  token: string | undefined,
): Promise<Response> {
  if (!metrics.enabled || token === undefined) return Response.json({ error: "No route at /metrics" }, { status: 404 });
  if (!bearerMatches(request.headers.get("authorization"), token)) {
    return Response.json(
      { error: "Send Authorization: Bearer <METRICS_TOKEN>." },
      { status: 401, headers: { "www-authenticate": 'Bearer realm="metrics"' } },
    );
  }
  const { body, contentType } = await metrics.render();
  return new Response(body, { headers: { "content-type": contentType, "cache-control": "no-store" } });
}

/**
 * The browser app. `vite build` writes dist/client, which the Bun server serves
 * in production. In development (`bun run dev`, see scripts/dev.ts) Vite serves
 * the page with HMR and forwards the server's paths to the Bun server; the Host
 * header is kept (changeOrigin: false) so the server's Origin check sees the
 * page's own origin.
 */
import { fileURLToPath } from "node:url";
import { defineConfig } from "vite";
import solid from "vite-plugin-solid";

/** Where `bun run dev` runs the Bun server. */
const apiTarget = process.env.PARLOR_DEV_API ?? "http://localhost:3001";
const toServer = { target: apiTarget, changeOrigin: false };

export default defineConfig({
  root: fileURLToPath(new URL("./client/app", import.meta.url)),
  plugins: [solid()],
  build: {
    outDir: fileURLToPath(new URL("./dist/client", import.meta.url)),
    emptyOutDir: true,
    target: "es2022",
  },
  server: {
    port: Number(process.env.PORT ?? 3000),
    strictPort: true,
    proxy: {
      "/trpc": { ...toServer, ws: true },
      "/api": toServer,
      "/healthz": toServer,
      "/chat": toServer,
    },
  },
});

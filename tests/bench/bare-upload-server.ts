/**
 * The uploads' ceiling: a bare Bun.serve that takes a multipart body (field
 * `file`), as Parlor's attachment.upload does, and writes the file to a
 * directory under a random name — no session, sniffing, quota, database row or
 * upload slots. Run as a process with the directory in argv[2]: prints its
 * port, stops on SIGTERM.
 */
import { join } from "node:path";

const dir = process.argv[2]!;

const server = Bun.serve({
  hostname: "127.0.0.1",
  port: 0,
  maxRequestBodySize: 64 * 1024 * 1024,
  async fetch(req) {
    if (req.method !== "POST") return new Response("bare upload", { status: 200 });
    const file = (await req.formData()).get("file");
    if (!(file instanceof Blob)) return Response.json({ error: "no file" }, { status: 400 });
    const id = crypto.randomUUID();
    await Bun.write(join(dir, id), file);
    return Response.json({ id, size: file.size });
  },
});

console.log(`PORT ${server.port}`);
process.on("SIGTERM", () => {
  server.stop(true);
  process.exit(0);
});

/**
 * attachment.upload: one file as `FormData` (field `file`), over HTTP, not
 * batched (tRPC reads a multipart body only for a lone call). The caller's
 * place among the uploads in flight is taken before the body is read: tRPC
 * reads it only when the input is parsed, after this middleware; the HTTP
 * layer has already refused a declared length over the limit (413).
 */
import { z } from "zod";
import { authedProcedure, router } from "../init.ts";

const uploadProcedure = authedProcedure.use(async function uploadSlot({ ctx, next }) {
  const release = await ctx.files.admit(ctx.user.id);
  try {
    return await next();
  } finally {
    release();
  }
});

export const attachmentRouter = router({
  /** Stores a file of the caller's; send its `id` in `room.send`'s `attachments` within 24 hours. */
  upload: uploadProcedure
    .input(z.instanceof(FormData, { message: "Send the file as FormData with a field 'file'." }))
    .mutation(({ ctx, input }) => ctx.files.upload(ctx.user.id, input.get("file"))),
});

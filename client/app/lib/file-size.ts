/**
 * A byte count in the units people read: "512 B", "1.5 KB", "25 MB", "1.2 GB".
 * Units of 1024, as operating systems' file managers mostly show them and as
 * the server's limit is set (MAX_UPLOAD_BYTES, 25 MiB by default, reads "25 MB").
 *
 * @example formatFileSize(1536) // "1.5 KB"
 */
const UNITS = ["KB", "MB", "GB", "TB"] as const;

export function formatFileSize(bytes: number): string {
  if (!Number.isFinite(bytes) || bytes < 0) return "";
  if (bytes < 1024) return `${bytes} B`;
  let value = bytes / 1024;
  let unit = 0;
  while (value >= 1024 && unit < UNITS.length - 1) {
    value /= 1024;
    unit++;
  }
  // One decimal below 10 ("1.5 KB"), none above ("25 MB"); never "10.0".
  const shown = value < 10 ? Math.round(value * 10) / 10 : Math.round(value);
  if (shown >= 1024 && unit < UNITS.length - 1) return `1 ${UNITS[unit + 1]}`;
  return `${shown} ${UNITS[unit]}`;
}

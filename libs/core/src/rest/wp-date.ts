/** WordPress's REST date format: UTC, to the second, without a zone suffix (`2024-05-01T12:00:00`). */
export function wpDate(date: Date | null | undefined): string | null {
  if (!date) return null;
  return date.toISOString().slice(0, 19);
}

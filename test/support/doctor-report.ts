/** The line of `check` in a doctor report (`  ok    redis   …`), or '' when the report has none. */
export function reportLine(stdout: string, check: string): string {
  return reportLines(stdout, check)[0] ?? '';
}

/** The details printed under the line of `check` (the routes found, advice), trimmed. */
export function reportDetails(stdout: string, check: string): string[] {
  return reportLines(stdout, check)
    .slice(1)
    .map((text) => text.trim());
}

/** The line of `check` and the indented lines under it, up to the next check's line. */
function reportLines(stdout: string, check: string): string[] {
  const lines = stdout.split('\n');
  const at = lines.findIndex((text) => new RegExp(`^ {2}\\S+\\s+${check}\\s`).test(text));
  if (at < 0) return [];
  const next = lines.findIndex((text, i) => i > at && /^ {2}\S/.test(text));
  return lines.slice(at, next < 0 ? undefined : next);
}

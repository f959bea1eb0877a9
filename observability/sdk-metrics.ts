/**
 * The Temporal SDK's Prometheus text, read from the listener its runtime serves (the SDK exports metrics only
 * there). An unreachable or failing listener yields a comment line saying so instead of failing the scrape:
 * the project's own metrics still matter when the SDK's are missing.
 */
export async function fetchSdkMetrics(url: string, timeoutMs = 1_000): Promise<string> {
  try {
    const response = await fetch(url, { signal: AbortSignal.timeout(timeoutMs) });
    if (!response.ok) return `# Temporal SDK metrics skipped: ${url} answered ${response.status}\n`;
    const text = await response.text();
    return text.endsWith('\n') || text === '' ? text : `${text}\n`;
  } catch (error) {
    return `# Temporal SDK metrics skipped: ${url} unreachable (${reasonOf(error)})\n`;
  }
}

/** `ECONNREFUSED`, `TimeoutError`, ...: fetch hides the socket's error code in `cause`. */
function reasonOf(error: unknown): string {
  if (!(error instanceof Error)) return 'error';
  const cause: unknown = error.cause;
  const code = typeof cause === 'object' && cause !== null ? (cause as { code?: unknown }).code : undefined;
  return typeof code === 'string' ? code : error.name;
}

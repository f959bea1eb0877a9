/** Line by line output of the stack's child processes (the dev server, the cluster's parts). */
/** Calls `onLine` with every line `stream` writes, the last one too when it does not end in a newline. */
export function forwardLines(stream: NodeJS.ReadableStream, onLine: (line: string) => void): void {
  let partial = '';
  stream.setEncoding('utf8');
  stream.on('data', (chunk: string) => {
    const lines = (partial + chunk).split('\n');
    partial = lines.pop() ?? '';
    lines.forEach(onLine);
  });
  stream.on('end', () => {
    if (partial) onLine(partial);
    partial = '';
  });
}

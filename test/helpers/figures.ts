/**
 * The figures a robustness test prints at the end of its run: what it tried and what came of it, as plain
 * text tables (one `console.log` each, so Jest prints them whole).
 */
export type FigureRow = Record<string, string | number>;

/** A table of `rows` under `title`; columns in the order of the first row's keys, plus any later ones. */
export function formatTable(title: string, rows: readonly FigureRow[]): string {
  const columns = [...new Set(rows.flatMap((row) => Object.keys(row)))];
  const cells = [columns, ...rows.map((row) => columns.map((column) => String(row[column] ?? '')))];
  const widths = columns.map((_, i) => Math.max(...cells.map((line) => (line[i] ?? '').length)));
  const line = (values: string[]) =>
    `| ${values.map((value, i) => value.padEnd(widths[i] ?? 0)).join(' | ')} |`;
  const rule = `|${widths.map((width) => '-'.repeat(width + 2)).join('|')}|`;
  return [`${title}`, '', line(columns), rule, ...cells.slice(1).map(line)].join('\n');
}

/** Prints tables (and a closing summary line) as one block. */
export function printFigures(heading: string, tables: string[], summary: string): void {
  console.log([`=== ${heading} ===`, ...tables, summary].join('\n\n'));
}

/** Counts of `values` by their string form, in first-seen order. */
export function countBy<T>(values: readonly T[], key: (value: T) => string): Map<string, number> {
  const counts = new Map<string, number>();
  for (const value of values) counts.set(key(value), (counts.get(key(value)) ?? 0) + 1);
  return counts;
}

/** Small Markdown builders shared by the reference pages' generators and the bench and chaos reports. */

/** `text` as inline code; a backtick inside is fenced by a longer run of them. */
export function code(text: string): string {
  const fence = text.includes('`') ? '``' : '`';
  const pad = fence === '``' ? ' ' : '';
  return `${fence}${pad}${text}${pad}${fence}`;
}

/** A table cell: one line, pipes escaped. */
function cell(value: string | number): string {
  return String(value)
    .replace(/\s*\n\s*/g, ' ')
    .replace(/\|/g, '\\|');
}

/** A GitHub table; Prettier aligns it afterwards. */
export function table(headers: readonly string[], rows: readonly (readonly (string | number)[])[]): string {
  const line = (cells: readonly (string | number)[]) => `| ${cells.map(cell).join(' | ')} |`;
  return [line(headers), line(headers.map(() => '---')), ...rows.map(line)].join('\n');
}

/** A fenced block of preformatted text. */
export function fenced(text: string, language = 'text'): string {
  return `\`\`\`${language}\n${text.replace(/\s+$/, '')}\n\`\`\``;
}

/** Paragraphs and blocks joined by blank lines, the empty ones left out. */
export function blocks(...parts: (string | false | undefined)[]): string {
  return parts.filter((part): part is string => Boolean(part)).join('\n\n');
}

/**
 * Text a person typed (a cancel reason) or a vendor wrote, as one line safe for logs and state: control and
 * format characters become spaces, runs of whitespace collapse, and the length is capped. Markdown is escaped
 * where it is rendered, not here.
 */
export function plainText(text: string, maxLength: number): string {
  return text
    .replace(/\p{C}+/gu, ' ')
    .replace(/\s+/g, ' ')
    .trim()
    .slice(0, maxLength);
}

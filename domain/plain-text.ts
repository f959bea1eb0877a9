/**
 * The longest text a case keeps from outside (a cancel reason, an error's message): the API refuses a longer
 * reason, and the workflow cuts anything longer that reaches it another way.
 */
export const MAX_CASE_TEXT_LENGTH = 500;

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

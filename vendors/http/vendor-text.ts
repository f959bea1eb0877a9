/**
 * Vendor texts (error descriptions, error names, correlation ids, a redirect's host) come from outside: a
 * vendor, or whoever answers for its host, may put anything in them. Before any of it enters an error message,
 * and from there workflow state, history and logs, it goes through here.
 */

/** How much of one vendor text an error message keeps. */
export const MAX_VENDOR_TEXT = 200;

/** What replaces something that looks like personal data. */
const DROPPED = '[redacted]';

/**
 * Shapes of personal data, in the order they are replaced (the IBAN before the digit runs it contains).
 * Deliberately broad: a vendor's error text loses little by a false match, and a missed one leaks.
 */
const PERSONAL_DATA: readonly RegExp[] = [
  // E-mail addresses.
  /[\p{L}\p{N}._%+-]+@[\p{L}\p{N}-]+(?:\.[\p{L}\p{N}-]+)+/gu,
  // IBAN-like: country code, check digits, 11 to 30 letters or digits, possibly in groups.
  /\b[A-Z]{2}\d{2}(?:[ -]?[A-Z0-9]){11,30}\b/g,
  // Eight digits or more, alone or with single separators: phone, card, account and national id numbers,
  // and dates, which may be a birth date.
  /\+?\d(?:[\s().\\/-]?\d){7,}/g,
];

/** Long unbroken tokens (32 characters or more) in free text: a secret or an access token echoed back. */
const TOKEN = /[A-Za-z0-9_+/=]{32,}/g;

/**
 * `text` fit for an error message: control and format characters (ANSI escapes, line breaks that would
 * forge a log line, bidi overrides) become spaces, runs of white space collapse, anything that looks like
 * personal data becomes `[redacted]`, and the result is cut to `maxLength` characters (with `…`). Anything
 * but a string, or nothing left, is undefined.
 */
export function sanitizeVendorText(text: unknown, maxLength = MAX_VENDOR_TEXT): string | undefined {
  if (typeof text !== 'string' && typeof text !== 'number') return undefined;
  // A bounded slice first: a megabyte of text is not scanned whole.
  let clean = String(text)
    .slice(0, maxLength * 8)
    .replace(/[\p{Cc}\p{Cf}\p{Zl}\p{Zp}]/gu, ' ');
  for (const pattern of [...PERSONAL_DATA, TOKEN]) clean = clean.replace(pattern, DROPPED);
  clean = clean.replace(/\s+/g, ' ').trim();
  if (clean === '') return undefined;
  return clean.length > maxLength ? `${clean.slice(0, maxLength - 1)}…` : clean;
}

/** Machine-readable vendor identifiers (`errorCode`, `errorName`, a correlation id): letters, digits, `._:-`. */
const IDENTIFIER = /^[A-Za-z0-9._:-]{1,100}$/;
/** A UUID, the commonest correlation id: its digit groups are not personal data. */
const UUID = /[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/gi;

/**
 * A vendor's error code, error name or correlation id, if it is one: an identifier of at most 100
 * characters with nothing in it that looks like personal data. Free text in these fields is dropped rather
 * than shown: these travel without quotes, and a reader takes them for the vendor's codes.
 */
export function vendorIdentifier(value: unknown): string | undefined {
  const text = typeof value === 'number' && Number.isFinite(value) ? String(value) : value;
  if (typeof text !== 'string' || !IDENTIFIER.test(text)) return undefined;
  const rest = text.replace(UUID, '-');
  const personal = PERSONAL_DATA.some((pattern) =>
    new RegExp(pattern.source, pattern.flags.replace('g', '')).test(rest),
  );
  return personal ? undefined : text;
}

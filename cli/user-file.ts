import { parse } from 'csv-parse/sync';
import { readFileSync } from 'node:fs';
import { isValidUserId } from '../domain';
import { UsageError } from './exit-codes';

/** The users a backfill file names, and the lines that named none. */
export interface UserFile {
  userIds: { userId: string; line: number }[];
  invalid: { line: number; value: string }[];
}

const HEADERS = ['userId', 'user_id'];

/**
 * Reads a backfill CSV: a header with a `userId` or `user_id` column (other columns are ignored), or a single
 * column of ids without a header. Blank lines are skipped; a line whose id is not a valid user id is reported
 * with its line number, so the operator can fix the file, and the rest still run.
 */
export function readUserFile(file: string): UserFile {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    throw new UsageError(`cannot read ${file}: ${(error as NodeJS.ErrnoException).code ?? String(error)}`);
  }
  return parseUserCsv(text, file);
}

/** Parses the text of a backfill CSV (see `readUserFile`); `name` labels errors. */
export function parseUserCsv(text: string, name = 'the file'): UserFile {
  const rows = parseRows(text, name);
  const first = rows[0];
  if (!first) return { userIds: [], invalid: [] };
  const column = first.cells.findIndex((cell) => HEADERS.includes(cell));
  if (column < 0 && first.cells.length > 1) {
    throw new UsageError(`${name}: the header must name a userId or user_id column (line ${first.line})`);
  }
  const data = column < 0 ? rows : rows.slice(1);
  const result: UserFile = { userIds: [], invalid: [] };
  for (const { cells, line } of data) {
    const value = cells[Math.max(column, 0)] ?? '';
    if (isValidUserId(value)) result.userIds.push({ userId: value, line });
    else result.invalid.push({ line, value });
  }
  return result;
}

function parseRows(text: string, name: string): { cells: string[]; line: number }[] {
  const lines: number[] = [];
  let records: string[][];
  try {
    records = parse(text, {
      bom: true,
      trim: true,
      skip_empty_lines: true,
      relax_column_count: true,
      // The line each record ends on, for error reports; records and lines stay index-aligned.
      on_record: (record, context) => {
        lines.push(context.lines);
        return record;
      },
    });
  } catch (error) {
    throw new UsageError(
      `${name} is not valid CSV: ${error instanceof Error ? error.message : String(error)}`,
    );
  }
  return records
    .map((cells, index) => ({ cells, line: lines[index] ?? 0 }))
    .filter(({ cells }) => cells.some((cell) => cell !== ''));
}

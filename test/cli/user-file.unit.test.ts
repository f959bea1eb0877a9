import { parseUserCsv } from '../../cli/user-file';

/** The user file `kyc backfill` reads; the CLI's processes themselves are in cli-usage.test.ts. */
describe('backfill CSV', () => {
  test('a userId or user_id column among others, blank lines skipped, bad ids reported by line', () => {
    expect(parseUserCsv('name,user_id\nAda,u-1\n\nBob,not valid\nCy,\nDee,u-2\n')).toEqual({
      userIds: [
        { userId: 'u-1', line: 2 },
        { userId: 'u-2', line: 6 },
      ],
      invalid: [
        { line: 4, value: 'not valid' },
        { line: 5, value: '' },
      ],
    });
    expect(parseUserCsv('userId\r\n123\r\n').userIds).toEqual([{ userId: '123', line: 2 }]);
  });

  test('a single column without header is all ids', () => {
    expect(parseUserCsv('123\n\n124\n').userIds.map(({ userId }) => userId)).toEqual(['123', '124']);
  });

  test('several columns without a userId header are refused', () => {
    expect(() => parseUserCsv('id,name\n1,Ada\n', 'users.csv')).toThrow(/userId or user_id column/);
  });
});

import { parse } from 'csv-parse/sync';
import { CsvWriter } from './csv';

describe('CsvWriter', () => {
  it.each([',', ';'] as const)(
    'writes what an RFC 4180 parser reads back (separator %p)',
    (sep) => {
      const csv = new CsvWriter(sep);
      const rows = [
        ['a', 'b;c', 'd,e'],
        ['say "hi"', 'line\nbreak', 'cr\rlf'],
        ['', 'x', 'ñandú'],
      ];
      const text = rows.map((r) => csv.row(r)).join('');
      expect(text.endsWith('\r\n')).toBe(true);
      expect(parse(text, { delimiter: sep })).toEqual(rows);
    },
  );

  it('writes decimal commas with ";" and points with ","', () => {
    expect(new CsvWriter(';').row([1.5, -0.25, 3, 1e21])).toBe('1,5;-0,25;3;1e+21\r\n');
    expect(new CsvWriter(',').row([1.5, -0.25, null])).toBe('1.5,-0.25,\r\n');
  });
});

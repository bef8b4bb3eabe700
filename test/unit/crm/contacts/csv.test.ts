import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { CsvReader, readCsv } from '../../../../shared/crm/csv/parse';
import { csvCell, csvRow, unescapeFormula } from '../../../../shared/crm/csv/write';

const all = (text: string) => [...readCsv(text)];

describe('CSV reader', () => {
  it('reads quoted fields, escaped quotes, CRLF, a BOM and quoted line breaks, with start lines', () => {
    const text = '\uFEFFa,b,c\r\n"x, y","say ""hi""",z\r\n"multi\nline",2,3\r\nlast,,\r\n';
    expect(all(text)).toEqual([
      { line: 1, fields: ['a', 'b', 'c'] },
      { line: 2, fields: ['x, y', 'say "hi"', 'z'] },
      { line: 3, fields: ['multi\nline', '2', '3'] },
      { line: 5, fields: ['last', '', ''] },
    ]);
  });

  it('skips blank lines but keeps counting them, and reads a last record without a line break', () => {
    expect(all('h\n\nv1\n\r\nv2')).toEqual([
      { line: 1, fields: ['h'] },
      { line: 3, fields: ['v1'] },
      { line: 5, fields: ['v2'] },
    ]);
  });

  it('marks a malformed record and goes on with the next', () => {
    const records = all('a,b\n"x"y,1\n"open,2\n');
    expect(records[1]).toMatchObject({ line: 2, error: expect.stringMatching(/closing quote/) });
    expect(records[2]).toMatchObject({ line: 3, error: expect.stringMatching(/Unterminated/) });
  });

  it('gives the same records whatever the chunk boundaries (CRLF and quotes split across chunks)', () => {
    const text = 'a,"b""c"\r\n"d\r\ne",f\r\ng,h';
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 1, max: text.length - 1 }), { maxLength: 6 }), (cuts) => {
        const points = [...new Set(cuts)].sort((x, y) => x - y);
        const reader = new CsvReader();
        const out = [];
        let from = 0;
        for (const p of [...points, text.length]) {
          out.push(...reader.push(text.slice(from, p)));
          from = p;
        }
        out.push(...reader.end());
        expect(out).toEqual(all(text));
      }),
    );
  });
});

describe('CSV writer', () => {
  it('neutralises formulas and quotes what needs it', () => {
    expect(csvCell('=SUM(A1)')).toBe("'=SUM(A1)");
    expect(csvCell('+61412345678')).toBe("'+61412345678");
    expect(csvCell('-1')).toBe("'-1");
    expect(csvCell('@cmd')).toBe("'@cmd");
    expect(csvCell('a,b')).toBe('"a,b"');
    expect(csvCell('say "x"')).toBe('"say ""x"""');
    expect(csvCell(undefined)).toBe('');
    expect(unescapeFormula(csvCell("'=x"))).toBe("'=x");
    expect(csvRow(['a', 1, true])).toBe('a,1,true\r\n');
  });

  it('round-trips any text through write, read and unescape', () => {
    fc.assert(
      fc.property(
        fc.array(fc.oneof(fc.string(), fc.stringMatching(/^'*[=+@-][a-z]*$/)), { minLength: 2, maxLength: 5 }),
        (cells) => {
          const [record] = all(csvRow(cells));
          expect(record?.fields.map(unescapeFormula)).toEqual(cells);
        },
      ),
    );
  });
});

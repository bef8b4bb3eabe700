/**
 * An RFC 4180 CSV reader that accepts input in chunks, so a large upload never has to be
 * split into lines first: quoted fields, `""` escapes, quoted line breaks, CRLF or LF
 * record ends and a leading byte-order mark. Written here rather than added as a
 * dependency: the format is small, and this reader reports the line each record starts on
 * and keeps going after a malformed record, which a per-row import report needs.
 */

export interface CsvRecord {
  /** 1-based physical line the record starts on. */
  readonly line: number;
  readonly fields: readonly string[];
  /** Set when the record is malformed (e.g. text after a closing quote); its fields are unreliable. */
  readonly error?: string;
}

/** Refuses absurd input before it costs memory: a field longer than this is an error. */
export const MAX_FIELD_CHARS = 100_000;

type State = 'fieldStart' | 'unquoted' | 'quoted' | 'quoteInQuoted' | 'afterCr';

export class CsvReader {
  private state: State = 'fieldStart';
  private field = '';
  private fields: string[] = [];
  private line = 1;
  private recordLine = 1;
  private error: string | undefined;
  private started = false;

  /** Feeds a chunk; returns the records it completed. */
  push(chunk: string): CsvRecord[] {
    const out: CsvRecord[] = [];
    let text = chunk;
    if (!this.started) {
      this.started = true;
      if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
    }
    for (let i = 0; i < text.length; i++) {
      const c = text[i] as string;
      if (this.state === 'afterCr') {
        // A lone CR ends a record too; CRLF counts as one break.
        this.state = 'fieldStart';
        if (c === '\n') continue;
      }
      switch (this.state) {
        case 'fieldStart':
          if (c === '"') this.state = 'quoted';
          else if (c === ',') this.endField();
          else if (c === '\r' || c === '\n') this.endRecord(out, c);
          else {
            this.field = c;
            this.state = 'unquoted';
          }
          break;
        case 'unquoted':
          if (c === ',') {
            this.endField();
            this.state = 'fieldStart';
          } else if (c === '\r' || c === '\n') this.endRecord(out, c);
          else this.append(c);
          break;
        case 'quoted':
          if (c === '"') this.state = 'quoteInQuoted';
          else {
            if (c === '\n') this.line += 1;
            this.append(c);
          }
          break;
        case 'quoteInQuoted':
          if (c === '"') {
            this.append('"');
            this.state = 'quoted';
          } else if (c === ',') {
            this.endField();
            this.state = 'fieldStart';
          } else if (c === '\r' || c === '\n') this.endRecord(out, c);
          else {
            this.error ??= 'Unexpected text after a closing quote';
            this.append(c);
            this.state = 'unquoted';
          }
          break;
      }
    }
    return out;
  }

  /** Ends the input; returns the last record, if any. */
  end(): CsvRecord[] {
    const out: CsvRecord[] = [];
    if (this.state === 'quoted') {
      this.error ??= 'Unterminated quoted field';
      this.state = 'unquoted';
    }
    if (this.state === 'afterCr') return out;
    if (this.state !== 'fieldStart' || this.fields.length > 0) this.endRecord(out, '\n', false);
    return out;
  }

  private append(c: string) {
    if (this.field.length >= MAX_FIELD_CHARS) {
      this.error ??= `A field is longer than ${MAX_FIELD_CHARS} characters`;
      return;
    }
    this.field += c;
  }

  private endField() {
    this.fields.push(this.field);
    this.field = '';
  }

  private endRecord(out: CsvRecord[], breakChar: string, countLine = true) {
    this.endField();
    const blank = this.fields.length === 1 && this.fields[0] === '' && this.state === 'fieldStart';
    if (!blank || this.error) {
      out.push({ line: this.recordLine, fields: this.fields, ...(this.error ? { error: this.error } : {}) });
    }
    this.fields = [];
    this.error = undefined;
    if (countLine) this.line += 1;
    this.recordLine = this.line;
    this.state = breakChar === '\r' ? 'afterCr' : 'fieldStart';
  }
}

/** Reads a whole text in chunks (the parser never needs more than one chunk in hand). */
export function* readCsv(text: string, chunkChars = 64 * 1024): Generator<CsvRecord> {
  const reader = new CsvReader();
  for (let at = 0; at < text.length; at += chunkChars) {
    yield* reader.push(text.slice(at, at + chunkChars));
  }
  yield* reader.end();
}

/** Reads a stream of text chunks (e.g. a decoded request or S3 object stream). */
export async function* readCsvStream(chunks: AsyncIterable<string>): AsyncGenerator<CsvRecord> {
  const reader = new CsvReader();
  for await (const chunk of chunks) yield* reader.push(chunk);
  yield* reader.end();
}

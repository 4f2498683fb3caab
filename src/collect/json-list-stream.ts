/**
 * Splits a `kubectl get -o json` List into its items while reading it, so a dump of 150,000 pods (gigabytes,
 * more than one JavaScript string can hold) is never in memory at once. Each item's text is handed out with
 * the line and column where it starts; everything outside `items` (apiVersion, kind, metadata) is kept as a
 * small skeleton and checked with JSON.parse at the end, so a malformed envelope is still an error.
 *
 * Only a top-level object is streamed; the caller reads anything else (arrays, YAML) whole.
 */

export interface ListItemText {
  index: number;
  text: string;
  /** 1-based line and column of the item's first character in the file. */
  line: number;
  column: number;
}

/** The text is not a well-formed JSON object; line and column are 1-based. */
export class JsonStructureError extends Error {
  constructor(
    message: string,
    readonly line: number,
    readonly column: number,
  ) {
    super(message);
  }
}

const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const OPEN_BRACE = 0x7b;
const CLOSE_BRACE = 0x7d;
const OPEN_BRACKET = 0x5b;
const CLOSE_BRACKET = 0x5d;
const COMMA = 0x2c;
const COLON = 0x3a;
const NEWLINE = 0x0a;

function isWhitespace(c: number): boolean {
  return c === 0x20 || c === 0x0a || c === 0x0d || c === 0x09;
}

/** Feed text in chunks; each feed returns the items completed so far; end() returns the parsed skeleton. */
export class JsonListScanner {
  private readonly stack: number[] = [];
  private inString = false;
  private escaped = false;
  private line = 1;
  private column = 0;
  private started = false;
  private expectKey = false;
  private collectingKey = false;
  private keyParts: string[] = [];
  private lastKey = '';
  private collectingKind = false;
  private kindParts: string[] = [];
  /** The List's own `kind` once read (`PodList`); kubectl writes it after the items, the API server before. */
  listKind: string | undefined;
  private inItems = false;
  private itemsSeen = false;
  private itemParts: string[] = [];
  private itemActive = false;
  private itemLine = 0;
  private itemColumn = 0;
  private index = 0;
  private readonly skeleton: string[] = [];

  feed(chunk: string): ListItemText[] {
    const done: ListItemText[] = [];
    let segmentStart = 0; // start of the run going to the skeleton, the current item or the current key
    const flush = (end: number): void => {
      if (end > segmentStart) {
        const piece = chunk.slice(segmentStart, end);
        if (this.itemActive) this.itemParts.push(piece);
        else if (!this.inItems) this.skeleton.push(piece);
      }
      segmentStart = end;
    };
    const finishItem = (end: number): void => {
      flush(end);
      done.push({ index: this.index, text: this.itemParts.join('').trimEnd(), line: this.itemLine, column: this.itemColumn });
      this.index += 1;
      this.itemParts = [];
      this.itemActive = false;
    };
    let keyStart = this.collectingKey || this.collectingKind ? 0 : -1;

    for (let i = 0; i < chunk.length; i++) {
      const c = chunk.charCodeAt(i);
      if (c === NEWLINE) {
        this.line += 1;
        this.column = 0;
      } else {
        this.column += 1;
      }

      if (this.inString) {
        if (this.escaped) this.escaped = false;
        else if (c === BACKSLASH) this.escaped = true;
        else if (c === QUOTE) {
          this.inString = false;
          if (this.collectingKey) {
            this.keyParts.push(chunk.slice(keyStart, i));
            this.collectingKey = false;
            keyStart = -1;
          } else if (this.collectingKind) {
            this.kindParts.push(chunk.slice(keyStart, i));
            this.listKind = this.kindParts.join('');
            this.collectingKind = false;
            keyStart = -1;
          }
        }
        continue;
      }
      if (isWhitespace(c)) continue;

      if (!this.started) {
        if (c !== OPEN_BRACE) throw this.error('not a JSON object');
        this.started = true;
      } else if (this.stack.length === 0) {
        throw this.error('unexpected text after the top-level object');
      }

      const depth = this.stack.length;
      if (this.inItems && depth === 2 && !this.itemActive && c !== CLOSE_BRACKET && c !== COMMA) {
        flush(i);
        this.itemActive = true;
        this.itemLine = this.line;
        this.itemColumn = this.column;
      }

      switch (c) {
        case QUOTE:
          this.inString = true;
          if (depth === 1 && this.expectKey) {
            this.collectingKey = true;
            this.keyParts = [];
            keyStart = i + 1;
          } else if (depth === 1 && this.lastKey === 'kind') {
            this.collectingKind = true;
            this.kindParts = [];
            keyStart = i + 1;
          }
          break;
        case COLON:
          if (depth === 1) {
            if (!this.expectKey) throw this.error("unexpected ':'");
            this.lastKey = this.keyParts.join('');
            this.expectKey = false;
          }
          break;
        case OPEN_BRACE:
        case OPEN_BRACKET:
          this.stack.push(c);
          if (this.stack.length === 1) this.expectKey = true;
          if (this.stack.length === 2 && c === OPEN_BRACKET && this.lastKey === 'items' && !this.itemsSeen) {
            flush(i + 1);
            this.inItems = true;
            this.itemsSeen = true;
          }
          break;
        case CLOSE_BRACE:
        case CLOSE_BRACKET: {
          const open = this.stack.pop();
          if (open === undefined || (open === OPEN_BRACE) !== (c === CLOSE_BRACE)) {
            throw this.error(`unexpected '${String.fromCharCode(c)}'`);
          }
          if (this.inItems && this.stack.length === 1) {
            if (this.itemActive) finishItem(i);
            flush(i);
            this.inItems = false;
          }
          break;
        }
        case COMMA:
          if (depth === 1) this.expectKey = true;
          if (this.inItems && depth === 2) {
            if (!this.itemActive) throw this.error("unexpected ','");
            finishItem(i);
            segmentStart = i + 1;
          }
          break;
        default:
          break;
      }
    }
    if (this.collectingKey) this.keyParts.push(chunk.slice(keyStart));
    if (this.collectingKind) this.kindParts.push(chunk.slice(keyStart));
    flush(chunk.length);
    return done;
  }

  /** Checks the text ended well and returns the List without its items (apiVersion, kind, metadata). */
  end(): unknown {
    if (!this.started) throw this.error('no JSON object');
    if (this.inString || this.stack.length > 0) throw this.error('unexpected end of the file');
    try {
      return JSON.parse(this.skeleton.join('')) as unknown;
    } catch (error) {
      // The skeleton is small; say what is wrong without a position in the original text.
      throw new JsonStructureError(`outside the items: ${(error as Error).message}`, 0, 0);
    }
  }

  private error(message: string): JsonStructureError {
    return new JsonStructureError(message, this.line, this.column);
  }
}

/**
 * The one escaping of text that reaches a terminal or a text report. Labels, GPU product names, annotations and
 * the values error messages quote come from a cluster or a dump and are not names (which are validated where they
 * enter, src/kube-names.ts): any of them can carry an escape sequence (`ESC[2J` clears the screen), a carriage
 * return that overwrites a line, or a bidirectional override that shows text in another order than it is.
 *
 * Every such character becomes a visible `\uNNNN`: the C0 controls and DEL, the C1 controls (0x80-0x9F,
 * which 8-bit terminals read as CSI and friends), the bidirectional embeddings, overrides and isolates
 * (U+202A-U+202E, U+2066-U+2069), the line and paragraph separators, and lone UTF-16 surrogates (what a `\ud800`
 * in JSON gives; invalid UTF-8 in a file is already U+FFFD once read). A backslash stays a backslash.
 */

// eslint-disable-next-line no-control-regex
const UNSAFE = /[\u0000-\u001f\u007f-\u009f\u2028\u2029\u202a-\u202e\u2066-\u2069]|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g;
// eslint-disable-next-line no-control-regex
const UNSAFE_BUT_LINES = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f-\u009f\u2028\u2029\u202a-\u202e\u2066-\u2069]|\r(?!\n)|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g;

export interface EscapeOptions {
  /**
   * `keep`: newlines (and CRLF line ends, as CSV has) and tabs pass (a whole report or message, whose lines are
   * its own; a carriage return alone is escaped: it would overwrite the line); `escape` (the default):
   * they are escaped too (one table cell, one quoted value).
   */
  newlines?: 'keep' | 'escape';
}

/** `text` with every control, bidi and lone-surrogate character shown as `\uNNNN`. */
export function escapeTerminalText(text: string, options: EscapeOptions = {}): string {
  const pattern = options.newlines === 'keep' ? UNSAFE_BUT_LINES : UNSAFE;
  return text.replace(pattern, (character) => {
    // \uNNNN, as JSON writes it: inside a JSON (or YAML double-quoted) string it reads back as the same character.
    return `\\u${character.charCodeAt(0).toString(16).padStart(4, '0')}`;
  });
}

/** A value as a message quotes it: JSON, with what JSON leaves raw (C1 controls, bidi overrides) escaped too. */
export function quoted(value: unknown): string {
  let json: string | undefined;
  try {
    json = JSON.stringify(value);
  } catch {
    json = undefined; // a cycle or a bigint
  }
  return escapeTerminalText(json ?? String(value));
}

/**
 * Text from a cluster or a person (cluster, team, namespace, node and model names, label values, approvers, notes,
 * warnings that quote them) made inert in Markdown: it reads as the same characters and never becomes markup, a
 * link, an image, HTML, a table cell boundary or a new line. CommonMark lets any ASCII punctuation be escaped with a
 * backslash (spec 2.4), so the characters that open inline syntax are escaped; `<`, `>` and `&` become entities,
 * which every renderer (and GitHub's sanitizer) shows as text. A hand-written escape: the few well-kept Markdown
 * libraries parse and render, none escapes text for embedding.
 */

/**
 * Characters that start emphasis, code, links and images (`[`, `]`: no `[text](javascript:...)`), table cells,
 * strikethrough or an escape. Others only act at the start of a line (`#`, `-`, `>` is an entity anyway), and this
 * text never starts one: it is always after a prefix of ours.
 */
const MARKUP = /[\\`*_[\]|~]/g;

export function markdownText(text: string): string {
  return (
    text
      .replace(/\r\n|[\r\n\u2028\u2029]/g, ' ')
      .replaceAll('&', '&amp;')
      .replaceAll('<', '&lt;')
      .replaceAll('>', '&gt;')
      .replace(MARKUP, (c) => `\\${c}`)
  );
}

/**
 * A code span holding `text` exactly, whatever backticks it contains (CommonMark 6.1: a longer fence). In a GFM
 * table a `|` ends the cell even inside a code span, unless escaped (GFM 4.10): `inTable` escapes it.
 */
export function markdownCode(text: string, options: { inTable?: boolean } = {}): string {
  const oneLine = text.replace(/\r\n|[\r\n\u2028\u2029]/g, ' ');
  const flat = options.inTable === true ? oneLine.replaceAll('|', '\\|') : oneLine;
  const longest = Math.max(0, ...[...flat.matchAll(/`+/g)].map((m) => m[0].length));
  const fence = '`'.repeat(longest + 1);
  const pad = flat.startsWith('`') || flat.endsWith('`') ? ' ' : '';
  return `${fence}${pad}${flat}${pad}${fence}`;
}

/**
 * The value of a text that must be exactly one YAML document quotaplan could have written: no parse errors, no
 * duplicate keys, no aliases (quotaplan never writes one, and a file full of them is not worth expanding).
 * Used to recognise quotaplan's own files in a folder others write to; anything else is "not ours" (undefined).
 */
import { parseAllDocuments } from 'yaml';

export function strictYamlValue(text: string): unknown {
  const documents = parseAllDocuments(text, { uniqueKeys: true });
  if (!Array.isArray(documents) || documents.length !== 1) return undefined;
  const document = documents[0]!;
  if (document.errors.length > 0) return undefined;
  try {
    return document.toJS({ maxAliasCount: 0 });
  } catch {
    return undefined;
  }
}

import { DomainError, validationError } from './domain-error';

/** Deepest nesting of objects and arrays a body may have (the top-level object is 1). */
export const MAX_JSON_DEPTH = 32;

const utf8 = new TextDecoder('utf-8', { fatal: true });
// With the u flag a surrogate pair is one code point: only a lone half matches.
const LONE_SURROGATE = /\p{Cs}/u;

/**
 * Parses a request body the way the contract reads JSON: UTF-8 only (an
 * invalid byte is refused, not replaced by U+FFFD and stored), a top-level
 * object or array, nesting at most MAX_JSON_DEPTH deep (deeper bodies
 * overflowed the stack further down: a 500), no key twice in one object (which
 * value counts would be the parser's choice, not the client's), and no lone
 * surrogate (`"\ud800"`: not text, and not storable as UTF-8).
 */
export function parseStrictJson(bytes: Buffer): unknown {
  let text: string;
  try {
    text = utf8.decode(bytes);
  } catch {
    throw new DomainError('MALFORMED_JSON', 'The request body is not valid UTF-8');
  }
  if (!/^[\s\uFEFF]*[[{]/.test(text)) throw new DomainError('MALFORMED_JSON', 'The request body is not a JSON object');
  let value: unknown;
  try {
    value = JSON.parse(text.replace(/^\uFEFF/, ''));
  } catch {
    throw new DomainError('MALFORMED_JSON', 'The request body is not valid JSON');
  }
  checkStructure(text);
  const lone = loneSurrogatePath(value, '');
  if (lone !== null) throw validationError(lone || 'body', 'must not contain a lone UTF-16 surrogate');
  return value;
}

/** Depth and duplicate keys, in one pass over text JSON.parse has accepted. */
function checkStructure(text: string): void {
  const open: Array<Set<string> | null> = []; // a Set of keys per open object, null per array
  let expectKey = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (c === '"') {
      const end = stringEnd(text, i);
      const keys = open[open.length - 1];
      if (expectKey && keys) {
        const key = JSON.parse(text.slice(i, end + 1)) as string;
        if (keys.has(key)) throw validationError(key, 'appears twice in one object');
        keys.add(key);
        expectKey = false;
      }
      i = end;
    } else if (c === '{' || c === '[') {
      open.push(c === '{' ? new Set() : null);
      if (open.length > MAX_JSON_DEPTH) {
        throw validationError('body', `nests objects and arrays deeper than ${MAX_JSON_DEPTH} levels`);
      }
      expectKey = c === '{';
    } else if (c === '}' || c === ']') {
      open.pop();
      expectKey = false;
    } else if (c === ',') {
      expectKey = open[open.length - 1] instanceof Set;
    }
  }
}

function stringEnd(text: string, start: number): number {
  for (let i = start + 1; i < text.length; i++) {
    if (text[i] === '\\') i++;
    else if (text[i] === '"') return i;
  }
  return text.length;
}

function loneSurrogatePath(value: unknown, path: string): string | null {
  if (typeof value === 'string') return LONE_SURROGATE.test(value) ? path : null;
  if (typeof value !== 'object' || value === null) return null;
  for (const [key, item] of Object.entries(value)) {
    const here = Array.isArray(value) ? `${path}[${key}]` : path ? `${path}.${key}` : key;
    if (LONE_SURROGATE.test(key)) return here;
    const found = loneSurrogatePath(item, here);
    if (found !== null) return found;
  }
  return null;
}

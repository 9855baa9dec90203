/**
 * Whether a JSON text names a member twice in one object. JSON.parse keeps the last of duplicate
 * members silently; another parser (the app behind gatehouse, a library) may keep the first, so a
 * token whose header or claims repeat a name can mean one thing to gatehouse and another to the
 * app. RFC 7519 §4 lets a JWT parser reject such tokens, and gatehouse does.
 */

/** The index just past the string literal that opens at `start` (a `"`). */
function endOfString(text: string, start: number): number {
  for (let i = start + 1; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 0x5c) i++;
    else if (c === 0x22) return i + 1;
  }
  return text.length;
}

/**
 * Whether `text`, which JSON.parse has already accepted, repeats a member name within one object.
 * Names are compared after their escapes are decoded, so `"a"` and `"\u0061"` are the same name.
 */
export function hasDuplicateMembers(text: string): boolean {
  // One entry per open object (its names so far) or array (null).
  const open: Array<Set<string> | null> = [];
  let expectName = false;
  let i = 0;
  while (i < text.length) {
    const c = text[i];
    if (c === '"') {
      const end = endOfString(text, i);
      const names = open[open.length - 1];
      if (expectName && names) {
        const name = JSON.parse(text.slice(i, end)) as string;
        if (names.has(name)) return true;
        names.add(name);
        expectName = false;
      }
      i = end;
      continue;
    }
    if (c === '{') {
      open.push(new Set());
      expectName = true;
    } else if (c === '[') {
      open.push(null);
      expectName = false;
    } else if (c === '}' || c === ']') {
      open.pop();
      expectName = false;
    } else if (c === ',') {
      expectName = open[open.length - 1] instanceof Set;
    }
    i++;
  }
  return false;
}

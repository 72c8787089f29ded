// Java String.trim() semantics (spec §3.1), for matching staged users the way the core stores them.

/** Strips chars <= U+0020 at both ends, as Java's `String.trim()` does. @param {string} s */
export function javaTrim(s) {
  let a = 0;
  let b = s.length;
  while (a < b && s.charCodeAt(a) <= 0x20) a++;
  while (b > a && s.charCodeAt(b - 1) <= 0x20) b--;
  return s.slice(a, b);
}

// Marks the parts of a shown value that the query matched, the way the core matched them:
// name words by prefix (case and accents ignored), phone digits anywhere (formatting ignored),
// email and code by substring.

export interface Piece {
  text: string;
  hit: boolean;
}

function fold(s: string): string {
  return s.normalize("NFD").replace(/\p{M}/gu, "").toLowerCase().replace(/ß/g, "ss");
}

/** Folds each character alone, so a match in the folded text maps back to the original. */
function folded(s: string): { text: string; from: number[] } {
  let text = "";
  const from: number[] = [];
  const chars = Array.from(s);
  let at = 0;
  for (const ch of chars) {
    const f = ch.charCodeAt(0) < 128 ? ch.toLowerCase() : fold(ch);
    for (let i = 0; i < f.length; i++) from.push(at);
    text += f;
    at += ch.length;
  }
  from.push(s.length);
  return { text, from };
}

function pieces(s: string, ranges: [number, number][]): Piece[] {
  if (ranges.length === 0) return [{ text: s, hit: false }];
  ranges.sort((a, b) => a[0] - b[0]);
  const out: Piece[] = [];
  let pos = 0;
  for (const [a, b] of ranges) {
    if (b <= pos) continue;
    const start = Math.max(a, pos);
    if (start > pos) out.push({ text: s.slice(pos, start), hit: false });
    out.push({ text: s.slice(start, b), hit: true });
    pos = b;
  }
  if (pos < s.length) out.push({ text: s.slice(pos), hit: false });
  return out;
}

/** Name words: each query word marks the start of a word it is a prefix of. */
export function markWords(value: string, query: string): Piece[] {
  const words = fold(query).split(/[^\p{L}\p{N}]+/u).filter(Boolean);
  if (!words.length || /^[\d\s+().\-/]+$/.test(query)) return [{ text: value, hit: false }];
  const { text, from } = folded(value);
  const ranges: [number, number][] = [];
  const re = /[\p{L}\p{N}]+/gu;
  for (let m = re.exec(text); m; m = re.exec(text)) {
    const w = words.find((q) => m![0].startsWith(q));
    if (w) ranges.push([from[m.index], from[m.index + w.length]]);
  }
  return pieces(value, ranges);
}

/** Phone: the typed digits (3 or more), wherever they occur among the shown digits. */
export function markDigits(value: string, query: string): Piece[] {
  let digits = query.replace(/\D/g, "");
  if (digits.length < 3 || !/^[\d\s+().\-/]+$/.test(query.trim())) return [{ text: value, hit: false }];
  const pos: number[] = [];
  let shown = "";
  for (let i = 0; i < value.length; i++) {
    if (/\d/.test(value[i])) {
      shown += value[i];
      pos.push(i);
    }
  }
  let at = shown.indexOf(digits);
  if (at < 0 && digits.startsWith("0")) {
    digits = digits.slice(1); // a national trunk 0 is not shown in international format
    at = shown.indexOf(digits);
  }
  if (at < 0 || digits.length < 3) return [{ text: value, hit: false }];
  return pieces(value, [[pos[at], pos[at + digits.length - 1] + 1]]);
}

/** Email or code: the query as a substring, case ignored. */
export function markText(value: string, query: string): Piece[] {
  const q = query.trim().toLowerCase();
  if (q.length < 2) return [{ text: value, hit: false }];
  const at = value.toLowerCase().indexOf(q);
  return at < 0 ? [{ text: value, hit: false }] : pieces(value, [[at, at + q.length]]);
}

// kbgen search: normalisation, the one tokenizer of every entry and every query. Pure ES module
// (no DOM), so node can test it. It mirrors src/search/clean.rs, shapes.rs and normalize.rs
// step for step; tests/search/normalize.json holds both to the same tokens.

const STOPWORDS = new Set([
  "a", "an", "and", "are", "as", "at", "be", "been", "by", "code", "detail", "details", "error",
  "errors", "for", "from", "in", "is", "it", "its", "message", "of", "on", "or", "status",
  "that", "the", "this", "to", "type", "was", "were", "with",
]);
const LEVELS = new Set([
  "alert", "crit", "critical", "dbg", "debug", "emerg", "err", "error", "fatal", "hint", "info",
  "information", "notice", "note", "panic", "remote", "severe", "trace", "verbose", "warn",
  "warning",
]);
const BARE_LEVELS = new Set(["debug", "error", "fatal", "info", "trace", "warn", "warning"]);
const LINE_PREFIXES = [
  "npm err!", "npm error", "npm warn", "npm notice", "npm verb", "npm info", "npm http",
].map((p) => Array.from(p));

export const isStopword = (t) => STOPWORDS.has(t);
export const isPlaceholder = (t) => t.startsWith("<");

const WORD_RE = /[\p{Alphabetic}\p{N}]/u;
export const isAsciiDigit = (c) => c >= "0" && c <= "9";
const isAsciiLower = (c) => c >= "a" && c <= "z";
const isAsciiAlpha = (c) => isAsciiLower(c) || (c >= "A" && c <= "Z");
const isAsciiAlnum = (c) => isAsciiAlpha(c) || isAsciiDigit(c);
const isHex = (c) => isAsciiDigit(c) || (c >= "a" && c <= "f") || (c >= "A" && c <= "F");
const cp = (c) => c.codePointAt(0);

export function isWord(c) {
  return c === "_" || isAsciiAlnum(c) || (cp(c) > 0x7f && WORD_RE.test(c));
}

function isCjk(c) {
  const x = cp(c);
  return (x >= 0x1100 && x <= 0x11ff) || (x >= 0x3040 && x <= 0x30ff) || (x >= 0x3130 && x <= 0x318f)
    || (x >= 0x31f0 && x <= 0x31ff) || (x >= 0x3400 && x <= 0x4dbf) || (x >= 0x4e00 && x <= 0x9fff)
    || (x >= 0xac00 && x <= 0xd7af) || (x >= 0xf900 && x <= 0xfaff) || (x >= 0x20000 && x <= 0x2ffff);
}

function isSpace(c) {
  const x = cp(c);
  return x <= 0x20 || (x >= 0x7f && x <= 0xa0) || x === 0x1680 || (x >= 0x2000 && x <= 0x200a)
    || x === 0x202f || x === 0x205f || x === 0x3000;
}

const fromCp = (x) => (x > 0x10ffff || (x >= 0xd800 && x <= 0xdfff) ? " " : String.fromCodePoint(x));

function hexValue(chars) {
  let v = 0;
  for (const c of chars) {
    if (!isHex(c)) return null;
    v = v * 16 + parseInt(c, 16);
  }
  return v;
}

function hasRawWindowsPath(s) {
  for (let k = 0; k + 3 < s.length; k++) {
    if (isAsciiAlpha(s[k]) && s[k + 1] === ":" && s[k + 2] === "\\" && isWord(s[k + 3])) return true;
  }
  return false;
}

function decodeEscapes(text) {
  const s = Array.from(text);
  const controls = !hasRawWindowsPath(s);
  let out = "";
  let i = 0;
  while (i < s.length) {
    const c = s[i];
    if (c === "\\" && i + 1 < s.length) {
      const e = s[i + 1];
      let simple = null;
      if (controls && e === "n") simple = "\n";
      else if (controls && e === "r") simple = "\r";
      else if (controls && e === "t") simple = "\t";
      else if (controls && (e === "b" || e === "f")) simple = " ";
      else if (e === '"' || e === "\\" || e === "/" || e === "'") simple = e;
      if (simple !== null) {
        out += simple;
        i += 2;
        continue;
      }
      if (e === "u" && i + 6 <= s.length) {
        const hi = hexValue(s.slice(i + 2, i + 6));
        if (hi !== null) {
          i += 6;
          if (hi >= 0xd800 && hi < 0xdc00 && i + 6 <= s.length && s[i] === "\\" && s[i + 1] === "u") {
            const lo = hexValue(s.slice(i + 2, i + 6));
            if (lo !== null && lo >= 0xdc00 && lo < 0xe000) {
              out += fromCp(0x10000 + ((hi - 0xd800) << 10) + (lo - 0xdc00));
              i += 6;
              continue;
            }
          }
          out += fromCp(hi);
          continue;
        }
      }
    }
    if (c === "&") {
      const ent = entity(s, i);
      if (ent) {
        out += ent[0];
        i += ent[1];
        continue;
      }
    }
    out += c;
    i += 1;
  }
  return out;
}

const ENTITIES = { amp: "&", lt: "<", gt: ">", quot: '"', apos: "'", nbsp: " " };

function entity(s, at) {
  let end = -1;
  for (let k = 0; k < 12 && at + k < s.length; k++) {
    if (s[at + k] === ";") {
      end = k;
      break;
    }
  }
  if (end < 0) return null;
  const name = s.slice(at + 1, at + end).join("");
  if (Object.hasOwn(ENTITIES, name)) return [ENTITIES[name], end + 1];
  if (!name.startsWith("#")) return null;
  const num = name.slice(1);
  let code;
  if (num.startsWith("x") || num.startsWith("X")) {
    const h = num.slice(1);
    if (h.length === 0 || h.length > 6 || !Array.from(h).every(isHex)) return null;
    code = parseInt(h, 16);
  } else {
    if (num.length === 0 || num.length > 7 || !Array.from(num).every(isAsciiDigit)) return null;
    code = parseInt(num, 10);
  }
  return [fromCp(code), end + 1];
}

function stripAnsi(text) {
  const s = Array.from(text);
  let out = "";
  let i = 0;
  while (i < s.length) {
    const c = s[i];
    if (c === "\u001b") {
      i += 1;
      if (i < s.length && s[i] === "[") {
        i += 1;
        while (i < s.length && (isAsciiDigit(s[i]) || s[i] === ";" || s[i] === "?")) i += 1;
        if (i < s.length && cp(s[i]) >= 0x40 && cp(s[i]) <= 0x7e) i += 1;
      } else if (i < s.length) {
        i += 1;
      }
      continue;
    }
    if (c === "[") {
      let j = i + 1;
      while (j < s.length && j - i <= 12 && (isAsciiDigit(s[j]) || s[j] === ";")) j += 1;
      if (j > i + 1 && j < s.length && s[j] === "m") {
        i = j + 1;
        continue;
      }
    }
    out += c;
    i += 1;
  }
  return out;
}

function fold(text) {
  let out = "";
  for (const c of text.normalize("NFKC")) {
    const x = cp(c);
    if ([0x2018, 0x2019, 0x201a, 0x201b, 0x2032, 0x2035].includes(x)) out += "'";
    else if ([0x201c, 0x201d, 0x201e, 0x201f, 0x2033, 0x2036, 0xab, 0xbb].includes(x)) out += '"';
    else if ((x >= 0x2010 && x <= 0x2015) || x === 0x2212) out += "-";
    else if ([0x200b, 0x200c, 0x200d, 0x2060, 0xfeff, 0xad].includes(x)) continue;
    else if (x === 0x85 || x === 0x2028 || x === 0x2029) out += "\n";
    else out += c;
  }
  return out.toLowerCase();
}

function startsWith(s, at, prefix) {
  if (at + prefix.length > s.length) return false;
  for (let k = 0; k < prefix.length; k++) if (s[at + k] !== prefix[k]) return false;
  return true;
}

function stripPrefixes(s) {
  const n = s.length;
  let p = 0;
  for (;;) {
    while (p < n && isSpace(s[p])) p += 1;
    if (p >= n) return p;
    const pre = LINE_PREFIXES.find((x) => startsWith(s, p, x));
    if (pre) {
      p += pre.length;
      continue;
    }
    let w = p;
    while (w < n && isAsciiLower(s[w])) w += 1;
    if (w > p && w < n && (s[w] === ":" || s[w] === "!") && LEVELS.has(s.slice(p, w).join(""))) {
      p = w + 1;
      continue;
    }
    if (w > p && w < n && isSpace(s[w]) && BARE_LEVELS.has(s.slice(p, w).join(""))) {
      p = w;
      continue;
    }
    if (s[p] === "[") {
      let q = -1;
      for (let k = p + 1; k < Math.min(n, p + 50); k++) {
        if (s[k] === "]") {
          q = k;
          break;
        }
      }
      if (q >= 0) {
        const inner = s.slice(p + 1, q);
        const text = inner.join("");
        if (inner.length > 0 && (inner.some(isAsciiDigit) || text.includes(":") || LEVELS.has(text))) {
          p = q + 1;
          if (p < n && s[p] === ":") p += 1;
          continue;
        }
      }
    }
    if (isAsciiDigit(s[p])) {
      let e = p;
      while (e < n && !isSpace(s[e])) e += 1;
      const chunk = s.slice(p, e);
      const stampish = chunk.every((c) => isAsciiDigit(c) || "-:.,/+tz".includes(c));
      const digits = chunk.filter(isAsciiDigit).length;
      const seps = chunk.some((c) => c === "-" || c === ":" || c === "/");
      if (stampish && (seps || digits >= 5)) {
        p = e;
        continue;
      }
    }
    return p;
  }
}

const HARD_DELIMS = "()[]{}<>,;|\"`";
const SOFT_DELIMS = "()[]{}<>,;|";

function tokenizeLine(s, start, out) {
  const n = s.length;
  let i = start;
  while (i < n) {
    const c = s[i];
    if (isSpace(c) || SOFT_DELIMS.includes(c)) {
      i += 1;
      continue;
    }
    if (c === '"' || c === "`" || c === "'") {
      const apostrophe = c === "'" && i > 0 && isWord(s[i - 1]);
      if (!apostrophe) {
        const j = maskedQuote(s, i);
        if (j !== null) {
          out.push("<str>");
          i = j + 1;
        } else {
          i += 1;
        }
        continue;
      }
    }
    let j = i + 1;
    while (j < n) {
      const d = s[j];
      if (isSpace(d) || HARD_DELIMS.includes(d)) break;
      if (d === "'" && !(isWord(s[j - 1]) && j + 1 < n && isWord(s[j + 1]))) break;
      j += 1;
    }
    chunk(s.slice(i, j), out);
    i = j;
  }
}

function maskedQuote(s, i) {
  const q = s[i];
  const n = s.length;
  let j = i + 1;
  while (j < n && j - i <= 65 && s[j] !== q && !isSpace(s[j])) j += 1;
  if (j >= n || s[j] !== q || j === i + 1 || j - i > 65) return null;
  if (j + 1 < n && isWord(s[j + 1])) return null;
  if (!s.slice(i + 1, j).some(isWord)) return null;
  if (q !== "`") {
    let prev = null;
    for (let k = i - 1; k >= 0; k--) {
      if (!isSpace(s[k])) {
        prev = s[k];
        break;
      }
    }
    if (prev !== null && ":,[{=".includes(prev)) return null;
    let next = null;
    for (let k = j + 1; k < n; k++) {
      if (!isSpace(s[k])) {
        next = s[k];
        break;
      }
    }
    if (next === ":") return null;
  }
  return j;
}

function chunk(raw, out) {
  let end = raw.length;
  while (end > 0 && ".:!?'".includes(raw[end - 1])) end -= 1;
  const t = raw.slice(0, end);
  if (t.length === 0) return;
  for (let k = 0; k + 2 < t.length; k++) {
    if (t[k] === ":" && t[k + 1] === "/" && t[k + 2] === "/") {
      let s = k;
      while (s > 0 && (isAsciiAlnum(t[s - 1]) || "+.-".includes(t[s - 1]))) s -= 1;
      words(t.slice(0, s), out);
      out.push("<url>");
      return;
    }
  }
  let kind;
  if (isEmail(t)) kind = "<email>";
  else if (isDate(t)) kind = "<date>";
  else if (isTime(t)) kind = "<time>";
  else if (isIp(t)) kind = "<ip>";
  else if (isPath(t)) kind = "<path>";
  else {
    words(t, out);
    return;
  }
  out.push(kind);
}

function digitsAt(t, at, count) {
  if (at + count > t.length) return false;
  for (let k = at; k < at + count; k++) if (!isAsciiDigit(t[k])) return false;
  return true;
}

function isEmail(t) {
  const a = t.indexOf("@");
  if (a < 0) return false;
  const domain = t.slice(a + 1);
  if (a === 0 || !t.slice(0, a).some(isWord)) return false;
  if (!domain.every((c) => isAsciiAlnum(c) || c === "-" || c === ".")) return false;
  const dot = domain.lastIndexOf(".");
  if (dot < 0) return false;
  const tld = domain.slice(dot + 1);
  return dot > 0 && tld.length >= 2 && tld.every(isAsciiAlpha);
}

function isDate(t) {
  return digitsAt(t, 0, 4) && t.length >= 10 && t[4] === "-" && digitsAt(t, 5, 2) && t[7] === "-"
    && digitsAt(t, 8, 2);
}

function isTime(t) {
  let i = 0;
  while (i < t.length && i < 2 && isAsciiDigit(t[i])) i += 1;
  if (i === 0 || i >= t.length || t[i] !== ":" || !digitsAt(t, i + 1, 2)) return false;
  i += 3;
  if (i < t.length && t[i] === ":" && digitsAt(t, i + 1, 2)) i += 3;
  if (i + 1 < t.length && (t[i] === "." || t[i] === ",") && isAsciiDigit(t[i + 1])) {
    i += 1;
    while (i < t.length && isAsciiDigit(t[i])) i += 1;
  }
  if (i < t.length && t[i] === "z") i += 1;
  return i === t.length;
}

function isIp(t) {
  let parts = 0;
  let i = 0;
  for (;;) {
    const s = i;
    while (i < t.length && i - s < 3 && isAsciiDigit(t[i])) i += 1;
    if (i === s) break;
    parts += 1;
    if (parts === 4 || i >= t.length || t[i] !== ".") break;
    i += 1;
  }
  if (parts === 4) {
    if (i === t.length) return true;
    if (t[i] === ":" && i + 1 < t.length && t.slice(i + 1).every(isAsciiDigit)) return true;
  }
  const colons = t.filter((c) => c === ":").length;
  return colons >= 2 && t.every((c) => isHex(c) || c === ":" || c === ".") && t.some(isHex);
}

function hasExtension(segment) {
  const dot = segment.lastIndexOf(".");
  if (dot < 0) return false;
  const ext = segment.slice(dot + 1);
  return dot > 0 && ext.length > 0 && ext.length <= 8 && ext.every(isAsciiAlnum) && ext.some(isAsciiAlpha);
}

function isPath(t) {
  if (!t.some(isWord)) return false;
  const starts = (p) => startsWith(t, 0, Array.from(p));
  if (t[0] === "/" || starts("~/") || starts("./") || starts("../") || starts(".\\") || starts("..\\")
    || starts("\\\\")
    || (t.length > 2 && isAsciiAlpha(t[0]) && t[1] === ":" && (t[2] === "\\" || t[2] === "/"))) {
    return true;
  }
  const slashes = t.filter((c) => c === "/" || c === "\\").length;
  if (slashes >= 2) return true;
  let end = t.length;
  let stripped = false;
  for (;;) {
    let k = end;
    while (k > 0 && isAsciiDigit(t[k - 1])) k -= 1;
    if (k < end && k > 0 && t[k - 1] === ":") {
      end = k - 1;
      stripped = true;
    } else {
      break;
    }
  }
  const base = t.slice(0, end);
  let lastSep = -1;
  for (let k = base.length - 1; k >= 0; k--) {
    if (base[k] === "/" || base[k] === "\\") {
      lastSep = k;
      break;
    }
  }
  const last = base.slice(lastSep + 1);
  return (stripped || slashes === 1) && hasExtension(last);
}

function isUuid(s, at) {
  if (s.length - at < 36) return false;
  for (let k = 0; k < 36; k++) {
    const c = s[at + k];
    if (k === 8 || k === 13 || k === 18 || k === 23 ? c !== "-" : !isHex(c)) return false;
  }
  return true;
}

function words(s, out) {
  const n = s.length;
  let i = 0;
  while (i < n) {
    const c = s[i];
    if (isCjk(c)) {
      let j = i;
      while (j < n && isCjk(s[j])) j += 1;
      if (j - i === 1) out.push(c);
      else for (let k = i; k < j - 1; k++) out.push(s[k] + s[k + 1]);
      i = j;
      continue;
    }
    if (!isWord(c)) {
      i += 1;
      continue;
    }
    if (isUuid(s, i) && (i + 36 === n || !isWord(s[i + 36]))) {
      out.push("<uuid>");
      i += 36;
      continue;
    }
    let j = i;
    for (;;) {
      while (j < n && isWord(s[j]) && !isCjk(s[j])) j += 1;
      if (j + 1 < n && s[j] === "." && isAsciiDigit(s[j - 1]) && isAsciiDigit(s[j + 1])) {
        j += 1;
        continue;
      }
      break;
    }
    const t = classify(s.slice(i, j));
    if (t !== null) out.push(t);
    i = j;
  }
}

function classify(word) {
  let a = 0;
  while (a < word.length && word[a] === "_") a += 1;
  if (a === word.length) return null;
  let b = word.length;
  while (word[b - 1] === "_") b -= 1;
  const w = word.slice(a, b);
  const len = w.length;
  const digits = w.filter(isAsciiDigit).length;
  let lead = 0;
  while (lead < len && isAsciiDigit(w[lead])) lead += 1;
  const allHex = w.every(isHex);
  if (w.includes(".")) return "<ver>";
  if (digits === len) return len <= 3 ? w.join("") : "<num>";
  if ((len > 2 && w[0] === "0" && w[1] === "x" && w.slice(2).every(isHex)) || (len >= 7 && allHex && digits > 0)) {
    return "<hex>";
  }
  if (lead >= 4) return "<num>";
  if (len >= 8 && digits >= 3) return "<id>";
  if (len === 1 && isAsciiAlpha(w[0])) return null;
  return w.join("");
}

/** Normalises `text` into its token list (placeholders included). */
export function tokens(text) {
  const folded = fold(stripAnsi(decodeEscapes(text)));
  const out = [];
  for (const line of folded.split(/[\n\r\u000b\u000c]/)) {
    const chars = Array.from(line);
    tokenizeLine(chars, stripPrefixes(chars), out);
  }
  return out;
}

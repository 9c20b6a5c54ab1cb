// Reads what a bundled UMD module exports (`m.exports = <literal>`) without running it: a parser for the
// JavaScript literal subset minifiers emit (JSON plus bare keys, !0/!1, .5, 1/0, 'single quotes'),
// the weight shards nsfwjs stores as one base64 string each are decoded by ./base64.ts.

/** The literal a UMD/browserify bundle assigns to `module.exports`; throws when the file holds anything else. */
export function readUmdExport(source: string, file: string): unknown {
  const found = /\b[A-Za-z_$][\w$]*\.exports\s*=\s*(?=[{["'])/.exec(source);
  if (!found) throw new Error(`${file} exports no data literal (no \`exports = {…}\` or \`exports = "…"\` found)`);
  return new LiteralParser(source, file, found.index + found[0].length).parse();
}

class LiteralParser {
  constructor(private readonly src: string, private readonly file: string, private i: number) {}

  parse(): unknown {
    return this.value();
  }

  private fail(expected: string): never {
    const found = this.i >= this.src.length ? 'the end of the file' : JSON.stringify(this.src.slice(this.i, this.i + 12));
    throw new Error(`${this.file} is not the data module expected: at offset ${this.i} expected ${expected}, found ${found}`);
  }

  private ws(): void {
    for (let c = this.src.charCodeAt(this.i); c === 32 || (c >= 9 && c <= 13); c = this.src.charCodeAt(++this.i));
  }

  private value(): unknown {
    this.ws();
    const c = this.src[this.i];
    if (c === '{') return this.object();
    if (c === '[') return this.array();
    if (c === '"' || c === "'") return this.string();
    for (const [text, v] of LITERALS) {
      if (this.src.startsWith(text, this.i)) {
        this.i += text.length;
        return v;
      }
    }
    NUMBER.lastIndex = this.i;
    const m = NUMBER.exec(this.src);
    if (!m) this.fail('a value');
    this.i = NUMBER.lastIndex;
    return Number(m[0]);
  }

  private object(): Record<string, unknown> {
    const out: Record<string, unknown> = Object.create(null);
    this.i++;
    for (;;) {
      this.ws();
      if (this.src[this.i] === '}') return this.i++, { ...out };
      const key = this.key();
      this.ws();
      if (this.src[this.i] !== ':') this.fail("':'");
      this.i++;
      out[key] = this.value();
      this.ws();
      if (this.src[this.i] === ',') this.i++;
      else if (this.src[this.i] !== '}') this.fail("',' or '}'");
    }
  }

  private key(): string {
    const c = this.src[this.i];
    if (c === '"' || c === "'") return this.string();
    KEY.lastIndex = this.i;
    const m = KEY.exec(this.src);
    if (!m) this.fail('a property name');
    this.i = KEY.lastIndex;
    return m[0];
  }

  private array(): unknown[] {
    const out: unknown[] = [];
    this.i++;
    for (;;) {
      this.ws();
      if (this.src[this.i] === ']') return this.i++, out;
      out.push(this.value());
      this.ws();
      if (this.src[this.i] === ',') this.i++;
      else if (this.src[this.i] !== ']') this.fail("',' or ']'");
    }
  }

  private string(): string {
    const quote = this.src[this.i];
    const start = this.i + 1;
    const end = this.src.indexOf(quote, start);
    // The fast path: a base64 shard is megabytes without a single backslash.
    if (end >= 0 && this.src.lastIndexOf('\\', end) < start) {
      this.i = end + 1;
      return this.src.slice(start, end);
    }
    let out = '';
    this.i = start;
    for (;;) {
      const c = this.src[this.i++];
      if (c === undefined) this.fail(`a closing ${quote}`);
      if (c === quote) return out;
      if (c !== '\\') {
        out += c;
        continue;
      }
      const e = this.src[this.i++];
      if (e === 'u' || e === 'x') {
        const digits = this.src.slice(this.i, this.i + (e === 'u' ? 4 : 2));
        if (!/^[0-9a-fA-F]+$/.test(digits) || digits.length !== (e === 'u' ? 4 : 2)) this.fail('a hex escape');
        out += String.fromCharCode(parseInt(digits, 16));
        this.i += digits.length;
      } else out += ESCAPES[e] ?? e;
    }
  }
}

const NUMBER = /-?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?/y;
const KEY = /[A-Za-z_$][\w$]*|\d+/y;
const ESCAPES: Record<string, string> = { n: '\n', t: '\t', r: '\r', b: '\b', f: '\f', v: '\v', '0': '\0' };
// Longest first: `!0` before `0`-prefixed numbers never clash, `-1/0` before `-1`.
const LITERALS: [string, unknown][] = [
  ['!0', true], ['!1', false], ['true', true], ['false', false], ['null', null], ['void 0', undefined],
  ['-1/0', -Infinity], ['1/0', Infinity], ['NaN', NaN], ['0/0', NaN],
];

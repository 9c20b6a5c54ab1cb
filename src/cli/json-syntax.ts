// Where a graph file breaks the JSON grammar, with a line and column: V8's JSON.parse does not always say.

/** Where `text` first breaks the JSON grammar, and what was expected there; null when it parses. */
export function jsonSyntaxError(text: string): { line: number; column: number; expected: string; found: string } | null {
  let i = 0;
  const fail = (expected: string): never => {
    throw { at: i, expected };
  };
  const ws = () => {
    while (i < text.length && ' \t\n\r'.includes(text[i])) i++;
  };
  const number = /-?(0|[1-9]\d*)(\.\d+)?([eE][+-]?\d+)?/y;
  const string = () => {
    i++;
    while (i < text.length) {
      const c = text[i];
      if (c === '"') return void i++;
      if (c < ' ') fail('no line breaks or control characters inside a string (write \\n)');
      if (c === '\\') {
        const e = text[i + 1];
        if (e === 'u' && /^[0-9a-fA-F]{4}$/.test(text.slice(i + 2, i + 6))) i += 6;
        else if (e !== undefined && '"\\/bfnrt'.includes(e)) i += 2;
        else {
          i++;
          fail('an escape such as \\n, \\" or \\u00e9');
        }
        continue;
      }
      i++;
    }
    fail('a closing "');
  };
  const value = (): void => {
    ws();
    const c = text[i];
    if (c === '{' || c === '[') {
      const close = c === '{' ? '}' : ']';
      i++;
      ws();
      if (text[i] === close) return void i++;
      for (;;) {
        if (c === '{') {
          ws();
          if (text[i] !== '"') fail('a "quoted" property name');
          string();
          ws();
          if (text[i] !== ':') fail("':'");
          i++;
        }
        value();
        ws();
        if (text[i] === ',') i++;
        else if (text[i] === close) return void i++;
        else fail(`',' or '${close}'`);
      }
    }
    if (c === '"') return string();
    number.lastIndex = i;
    if (number.test(text)) return void (i = number.lastIndex);
    for (const literal of ['true', 'false', 'null']) if (text.startsWith(literal, i)) return void (i += literal.length);
    fail('a value');
  };
  try {
    value();
    ws();
    if (i < text.length) fail('the end of the file');
    return null;
  } catch (e) {
    if (!e || typeof e !== 'object' || !('at' in e)) return null; // e.g. nesting too deep for the stack
    const { at, expected } = e as { at: number; expected: string };
    const before = text.slice(0, at).split('\n');
    const found = at >= text.length ? 'the end of the file' : JSON.stringify(text[at]);
    return { line: before.length, column: before[before.length - 1].length + 1, expected, found };
  }
}

/**
 * JSON.parse(text), or the error `refuse(where)` makes, `where` saying where the text stops being JSON
 * (": expected a value at line 3, column 9 (found '}')"; empty when the checker finds no place).
 */
export function parseJsonOr(text: string, refuse: (where: string) => Error): unknown {
  try {
    return JSON.parse(text);
  } catch {
    const at = jsonSyntaxError(text);
    throw refuse(at ? `: expected ${at.expected} at line ${at.line}, column ${at.column} (found ${at.found})` : '');
  }
}

// A user-supplied value as it appears in a message: JSON, cut to a few dozen characters, and safe
// for anything JSON.parse can produce (deeply nested values overflow JSON.stringify's stack).

export function showValue(v: unknown, max = 40): string {
  let s: string | undefined;
  try {
    s = JSON.stringify(v);
  } catch {
    return 'a value nested too deeply to show';
  }
  if (s === undefined) return String(v);
  return s.length > max ? s.slice(0, max) + '…' : s;
}

// Base64 of a string's UTF-8 bytes (HTTP Basic auth). QuickJS has no btoa, and the bundle
// has no Buffer.
const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';

export function base64(text: string): string {
  const bytes = unescape(encodeURIComponent(text)); // one char per UTF-8 byte
  let out = '';
  for (let i = 0; i < bytes.length; i += 3) {
    const a = bytes.charCodeAt(i);
    const b = i + 1 < bytes.length ? bytes.charCodeAt(i + 1) : -1;
    const c = i + 2 < bytes.length ? bytes.charCodeAt(i + 2) : -1;
    out += ALPHABET.charAt(a >> 2);
    out += ALPHABET.charAt(((a & 3) << 4) | (b < 0 ? 0 : b >> 4));
    out += b < 0 ? '=' : ALPHABET.charAt(((b & 15) << 2) | (c < 0 ? 0 : c >> 6));
    out += c < 0 ? '=' : ALPHABET.charAt(c & 63);
  }
  return out;
}

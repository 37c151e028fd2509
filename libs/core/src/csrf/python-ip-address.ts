/**
 * The part of Python's `ipaddress` that `urllib.parse` consults for bracketed hosts: is the text an
 * IPv6 address by Python's rules? Node's `net.isIPv6` differs in corners (zone ids, zero-padded
 * embedded IPv4), so Python's grammar is reproduced here.
 */
const HEXTET = /^[0-9a-fA-F]{1,4}$/;
const DECIMAL = /^[0-9]{1,3}$/;

/** `IPv4Address(text)` succeeds: four decimal octets, no leading zeros, each at most 255. */
export function isPythonIPv4(text: string): boolean {
  const octets = text.split('.');
  return octets.length === 4 && octets.every((o) => DECIMAL.test(o) && !(o.length > 1 && o[0] === '0') && Number(o) <= 255);
}

/** `IPv6Address(text)` succeeds (an optional "%zone" suffix included). */
export function isPythonIPv6(text: string): boolean {
  const percent = text.indexOf('%');
  let address = text;
  if (percent >= 0) {
    const zone = text.slice(percent + 1);
    if (zone === '' || zone.includes('%')) return false;
    address = text.slice(0, percent);
  }
  if (address === '') return false;
  const parts = address.split(':');
  if (parts.length < 3) return false;
  // A trailing dotted quad stands for the last two hextets.
  if (parts[parts.length - 1].includes('.')) {
    if (!isPythonIPv4(parts.pop() as string)) return false;
    parts.push('0', '0');
  }
  if (parts.length > 9) return false;
  let skip = -1;
  for (let i = 1; i < parts.length - 1; i++) {
    if (parts[i] === '') {
      if (skip >= 0) return false; // "::" twice
      skip = i;
    }
  }
  let hi: number;
  let lo: number;
  if (skip >= 0) {
    hi = skip;
    lo = parts.length - skip - 1;
    // A lone leading or trailing ':' is only legal as half of "::".
    if (parts[0] === '' && --hi !== 0) return false;
    if (parts[parts.length - 1] === '' && --lo !== 0) return false;
    if (8 - (hi + lo) < 1) return false;
  } else {
    if (parts.length !== 8 || parts[0] === '' || parts[7] === '') return false;
    hi = 8;
    lo = 0;
  }
  const kept = [...parts.slice(0, hi), ...(lo > 0 ? parts.slice(parts.length - lo) : [])];
  return kept.every((h) => HEXTET.test(h));
}

import { EventPatternError } from "./error";

/** An IPv4 (4 bytes) or IPv6 (16 bytes) address. */
export type IpBytes = readonly number[];

// event-ruler only treats text of these shapes as an address, so nothing else is ever looked up.
const IPV4_SHAPE = /^[0-9]+\.[0-9]+\.[0-9]+\.[0-9]+$/;
const IPV6_SHAPE = /^[0-9a-fA-F:]*:[0-9a-fA-F:]*$/;

/** Whether `text` has the shape event-ruler checks before it parses an address. */
export function looksLikeIp(text: string): boolean {
  return IPV4_SHAPE.test(text) || IPV6_SHAPE.test(text);
}

/**
 * The address `text` spells, or undefined. An IPv4-mapped IPv6 address (`::ffff:a00:1`) is its IPv4
 * address, as Java's InetAddress (which event-ruler uses) returns it.
 */
export function parseIp(text: string): IpBytes | undefined {
  if (IPV4_SHAPE.test(text)) return parseIpv4(text);
  if (!IPV6_SHAPE.test(text)) return undefined;
  const bytes = parseIpv6(text);
  if (bytes && bytes.slice(0, 10).every((b) => b === 0) && bytes[10] === 0xff && bytes[11] === 0xff)
    return bytes.slice(12);
  return bytes;
}

function parseIpv4(text: string): IpBytes | undefined {
  const parts = text.split(".");
  // A part with a leading zero is ambiguous (octal or decimal); Java refuses such literals.
  if (parts.some((p) => p.length > 3 || (p.length > 1 && p.startsWith("0")) || Number(p) > 255)) return undefined;
  return parts.map(Number);
}

function parseIpv6(text: string): IpBytes | undefined {
  const halves = text.split("::");
  if (halves.length > 2) return undefined;
  const groups = (half: string) => (half === "" ? [] : half.split(":"));
  const head = groups(halves[0]!);
  const tail = halves.length === 2 ? groups(halves[1]!) : [];
  const missing = 8 - head.length - tail.length;
  if (halves.length === 1 ? missing !== 0 : missing < 1) return undefined;
  const all = [...head, ...Array<string>(halves.length === 2 ? missing : 0).fill("0"), ...tail];
  if (all.some((g) => !/^[0-9a-fA-F]{1,4}$/.test(g))) return undefined;
  return all.flatMap((g) => {
    const n = parseInt(g, 16);
    return [n >> 8, n & 0xff];
  });
}

/** An inclusive range of addresses of one family. */
export interface IpRange {
  readonly bottom: IpBytes;
  readonly top: IpBytes;
}

/** Whether `ip` is in `range` (addresses of another family never are). */
export function inRange(ip: IpBytes, range: IpRange): boolean {
  return ip.length === range.bottom.length && compareBytes(ip, range.bottom) >= 0 && compareBytes(ip, range.top) <= 0;
}

function compareBytes(a: IpBytes, b: IpBytes): number {
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return a[i]! - b[i]!;
  return 0;
}

/** The addresses a `cidr` pattern covers; refuses it with event-ruler's reasons. */
export function parseCidr(cidr: string, path: string): IpRange {
  // Java's String.split, which event-ruler uses, drops trailing empty parts.
  const parts = cidr.split("/");
  while (parts.length > 0 && parts[parts.length - 1] === "") parts.pop();
  if (parts.length !== 2) throw new EventPatternError("Malformed CIDR, one '/' required", path);
  const [address, maskText] = parts as [string, string];
  if (!/^[+-]?\d+$/.test(maskText) || Math.abs(Number(maskText)) > 2 ** 31 - 1) {
    throw new EventPatternError("Malformed CIDR, mask bits must be an integer", path);
  }
  const maskBits = Number(maskText);
  if (maskBits < 0) throw new EventPatternError("Malformed CIDR, mask bits must not be negative", path);
  const base = addressOf(address, path);
  // event-ruler refuses a whole-address mask (/32, /128).
  if (base.length === 4 && maskBits > 31) throw new EventPatternError("IPv4 mask bits must be < 32", path);
  if (base.length === 16 && maskBits > 127) throw new EventPatternError("IPv6 mask bits must be < 128", path);
  const bottom = base.map((byte, i) => byte & maskByte(maskBits - i * 8));
  const top = base.map((byte, i) => byte | (~maskByte(maskBits - i * 8) & 0xff));
  return { bottom, top };
}

/** The address in a pattern, refused as event-ruler refuses it. */
function addressOf(text: string, path: string): IpBytes {
  if (!looksLikeIp(text)) throw new EventPatternError(`Nonstandard IP address: ${text}`, path);
  const bytes = parseIp(text);
  if (!bytes) throw new EventPatternError(`Invalid IP address: ${text}`, path);
  return bytes;
}

function maskByte(fixedBits: number): number {
  if (fixedBits >= 8) return 0xff;
  if (fixedBits <= 0) return 0;
  return (0xff << (8 - fixedBits)) & 0xff;
}

// Raw struct sockaddr bytes -> the string map Tracee prints (reference §4.4).
import type { SockAddr } from "../events/types.ts";
import type { StringReader } from "./strings.ts";

/** Linux address family names 0..44, as Tracee names them; other values print in decimal. */
const AF_NAMES = [
  "AF_UNSPEC", "AF_UNIX", "AF_INET", "AF_AX25", "AF_IPX", "AF_APPLETALK", "AF_NETROM", "AF_BRIDGE", "AF_ATMPVC",
  "AF_X25", "AF_INET6", "AF_ROSE", "AF_DECnet", "AF_NETBEUI", "AF_SECURITY", "AF_KEY", "AF_NETLINK", "AF_PACKET",
  "AF_ASH", "AF_ECONET", "AF_ATMSVC", "AF_RDS", "AF_SNA", "AF_IRDA", "AF_PPPOX", "AF_WANPIPE", "AF_LLC", "AF_IB",
  "AF_MPLS", "AF_CAN", "AF_TIPC", "AF_BLUETOOTH", "AF_IUCV", "AF_RXRPC", "AF_ISDN", "AF_PHONET", "AF_IEEE802154",
  "AF_CAIF", "AF_ALG", "AF_NFC", "AF_VSOCK", "AF_KCM", "AF_QIPCRTR", "AF_SMC", "AF_XDP",
];

export function familyName(family: number): string {
  return AF_NAMES[family] ?? String(family);
}

const be16 = (u8: Uint8Array, o: number) => (u8[o] << 8) | u8[o + 1];
const be32 = (u8: Uint8Array, o: number) => ((u8[o] << 24) | (u8[o + 1] << 16) | (u8[o + 2] << 8) | u8[o + 3]) >>> 0;
const le32 = (u8: Uint8Array, o: number) => (u8[o] | (u8[o + 1] << 8) | (u8[o + 2] << 16) | (u8[o + 3] << 24)) >>> 0;

/** An IPv6 address the way Go's net.IP prints it: v4-mapped as a dotted quad, else the longest run of 2+ zero groups as "::". */
export function formatIPv6(u8: Uint8Array, o: number): string {
  let mapped = u8[o + 10] === 0xff && u8[o + 11] === 0xff;
  for (let i = 0; i < 10 && mapped; i++) if (u8[o + i] !== 0) mapped = false;
  if (mapped) return `${u8[o + 12]}.${u8[o + 13]}.${u8[o + 14]}.${u8[o + 15]}`;
  let runStart = -1, runEnd = -1;
  for (let i = 0; i < 16; i += 2) {
    let j = i;
    while (j < 16 && u8[o + j] === 0 && u8[o + j + 1] === 0) j += 2;
    if (j > i && j - i > runEnd - runStart) { runStart = i; runEnd = j; }
    if (j > i) i = j - 2; // the loop's += 2 moves past the run
  }
  if (runEnd - runStart <= 2) runStart = runEnd = -1;
  let s = "";
  for (let i = 0; i < 16; i += 2) {
    if (i === runStart) { s += "::"; i = runEnd - 2; continue; }
    if (s !== "" && !s.endsWith(":")) s += ":";
    s += be16(u8, o + i).toString(16);
  }
  return s;
}

/**
 * Decodes `len` raw sockaddr bytes at `off`; len 0 is a NULL pointer (AF_UNSPEC). Fields the bytes do not reach
 * are left out. sun_path drops leading NULs (abstract sockets) and ends at the next NUL.
 */
export function decodeSockaddr(u8: Uint8Array, strings: StringReader, off: number, len: number): SockAddr {
  if (len < 2) return { sa_family: "AF_UNSPEC" };
  const family = u8[off] | (u8[off + 1] << 8);
  const sa: SockAddr = { sa_family: familyName(family) };
  if (family === 1) {
    let a = off + 2;
    const end = off + len;
    while (a < end && u8[a] === 0) a++;
    let b = a;
    while (b < end && u8[b] !== 0) b++;
    sa.sun_path = strings.utf8(a, b - a);
  } else if (family === 2) {
    if (len >= 4) sa.sin_port = String(be16(u8, off + 2));
    if (len >= 8) sa.sin_addr = `${u8[off + 4]}.${u8[off + 5]}.${u8[off + 6]}.${u8[off + 7]}`;
  } else if (family === 10) {
    if (len >= 4) sa.sin6_port = String(be16(u8, off + 2));
    if (len >= 8) sa.sin6_flowinfo = String(be32(u8, off + 4));
    if (len >= 24) sa.sin6_addr = formatIPv6(u8, off + 8);
    // sin6_scope_id is an interface index in host byte order (Tracee reads it big-endian; that misprints it)
    if (len >= 28) sa.sin6_scopeid = String(le32(u8, off + 24));
  }
  return sa;
}

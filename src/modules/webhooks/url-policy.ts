/**
 * Where webhooks may be sent. In production only public https URLs: loopback, private,
 * link-local (cloud metadata lives at 169.254.169.254), CGNAT, multicast and reserved ranges are
 * refused, as are internal-looking host names. The WHATWG URL parser already normalises IPv4 in
 * decimal, hex and octal notation ("http://2130706433", "http://0x7f.1") to dotted quads and IPv6
 * to compressed hex, so checking the parsed hostname covers every notation.
 * Checked at registration and again before every send (the policy flag may have changed).
 */
export type UrlVerdict = { ok: true; url: URL } | { ok: false; reason: string };

const BLOCKED_HOST_SUFFIXES = [".localhost", ".local", ".internal", ".localdomain", ".home.arpa", ".intranet", ".lan", ".corp"];
const BLOCKED_HOSTS = new Set(["localhost", "metadata", "metadata.google.internal", "instance-data"]);

export function checkWebhookUrl(raw: string, options: { allowPrivate: boolean }): UrlVerdict {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    return { ok: false, reason: "Not an absolute URL." };
  }
  if (url.protocol !== "https:" && !(options.allowPrivate && url.protocol === "http:")) {
    return { ok: false, reason: options.allowPrivate ? "Only http and https URLs are allowed." : "Only https URLs are allowed." };
  }
  if (url.username || url.password) return { ok: false, reason: "Credentials in the URL are not allowed; authenticate with the signature." };
  if (options.allowPrivate) return { ok: true, url };

  const host = url.hostname.toLowerCase().replace(/\.$/, "");
  if (host.startsWith("[")) {
    const reason = blockedIPv6(host.slice(1, -1));
    return reason ? { ok: false, reason } : { ok: true, url };
  }
  const v4 = parseIPv4(host);
  if (v4) {
    const reason = blockedIPv4(v4);
    return reason ? { ok: false, reason } : { ok: true, url };
  }
  if (BLOCKED_HOSTS.has(host) || BLOCKED_HOST_SUFFIXES.some((s) => host.endsWith(s))) return { ok: false, reason: `The host '${host}' is internal.` };
  if (!host.includes(".")) return { ok: false, reason: "Use a fully qualified public host name." };
  return { ok: true, url };
}

function parseIPv4(host: string): number[] | null {
  const parts = host.split(".");
  if (parts.length !== 4 || !parts.every((p) => /^\d{1,3}$/.test(p))) return null;
  const octets = parts.map(Number);
  return octets.every((o) => o <= 255) ? octets : null;
}

/** [network, prefix length, what it is] */
const V4_BLOCKS: [number[], number, string][] = [
  [[0, 0, 0, 0], 8, "this-network"],
  [[10, 0, 0, 0], 8, "private"],
  [[100, 64, 0, 0], 10, "carrier-grade NAT"],
  [[127, 0, 0, 0], 8, "loopback"],
  [[169, 254, 0, 0], 16, "link-local (cloud metadata)"],
  [[172, 16, 0, 0], 12, "private"],
  [[192, 0, 0, 0], 24, "IETF protocol assignments"],
  [[192, 0, 2, 0], 24, "documentation"],
  [[192, 88, 99, 0], 24, "6to4 relay"],
  [[192, 168, 0, 0], 16, "private"],
  [[198, 18, 0, 0], 15, "benchmarking"],
  [[198, 51, 100, 0], 24, "documentation"],
  [[203, 0, 113, 0], 24, "documentation"],
  [[224, 0, 0, 0], 4, "multicast"],
  [[240, 0, 0, 0], 4, "reserved"],
];

function toUint32(octets: number[]): number {
  return ((octets[0]! << 24) | (octets[1]! << 16) | (octets[2]! << 8) | octets[3]!) >>> 0;
}

function blockedIPv4(octets: number[]): string | null {
  const address = toUint32(octets);
  for (const [network, prefix, what] of V4_BLOCKS) {
    const mask = prefix === 0 ? 0 : (0xffffffff << (32 - prefix)) >>> 0;
    if ((address & mask) === (toUint32(network) & mask)) return `The address ${octets.join(".")} is ${what}.`;
  }
  return null;
}

/** Expand an IPv6 literal (possibly with an embedded dotted quad) to 8 16-bit groups. */
function parseIPv6(literal: string): number[] | null {
  let text = literal.split("%")[0]!.toLowerCase();
  const dotted = /(\d+\.\d+\.\d+\.\d+)$/.exec(text);
  if (dotted) {
    const v4 = parseIPv4(dotted[1]!);
    if (!v4) return null;
    text = text.slice(0, -dotted[1]!.length) + `${((v4[0]! << 8) | v4[1]!).toString(16)}:${((v4[2]! << 8) | v4[3]!).toString(16)}`;
  }
  const halves = text.split("::");
  if (halves.length > 2) return null;
  const head = halves[0] ? halves[0].split(":") : [];
  const tail = halves.length === 2 && halves[1] ? halves[1].split(":") : [];
  const missing = 8 - head.length - tail.length;
  if ((halves.length === 1 && missing !== 0) || missing < 0) return null;
  const groups = [...head, ...Array<string>(halves.length === 2 ? missing : 0).fill("0"), ...tail];
  if (groups.length !== 8 || !groups.every((g) => /^[0-9a-f]{1,4}$/.test(g))) return null;
  return groups.map((g) => parseInt(g, 16));
}

function blockedIPv6(literal: string): string | null {
  const g = parseIPv6(literal);
  if (!g) return "Not a valid IPv6 address.";
  const embeddedV4 = (hi: number, lo: number) => [hi >> 8, hi & 0xff, lo >> 8, lo & 0xff];
  const zeros = (n: number) => g.slice(0, n).every((x) => x === 0);
  if (zeros(8)) return "The unspecified address is not allowed.";
  if (zeros(7) && g[7] === 1) return "The address ::1 is loopback.";
  // IPv4-mapped (::ffff:a.b.c.d), IPv4-compatible (::a.b.c.d) and NAT64 (64:ff9b::a.b.c.d) carry an IPv4 target.
  if ((zeros(5) && g[5] === 0xffff) || zeros(6) || (g[0] === 0x64 && g[1] === 0xff9b && g.slice(2, 6).every((x) => x === 0))) {
    const reason = blockedIPv4(embeddedV4(g[6]!, g[7]!));
    return reason ? `${reason} (embedded in IPv6)` : null;
  }
  const first = g[0]!;
  if ((first & 0xfe00) === 0xfc00) return "The address is IPv6 unique-local (private).";
  if ((first & 0xffc0) === 0xfe80) return "The address is IPv6 link-local.";
  if ((first & 0xffc0) === 0xfec0) return "The address is IPv6 site-local.";
  if ((first & 0xff00) === 0xff00) return "The address is IPv6 multicast.";
  if (first === 0x2001 && g[1] === 0x0db8) return "The address is IPv6 documentation.";
  if (first === 0x2002) return "6to4 addresses are not allowed.";
  return null;
}

/**
 * Deterministic IPv4 addresses for new VMs: each VM gets the next address after the previous one,
 * like a DHCP pool or an IPAM range handing out leases in order. A VM re-created under an old name
 * gets a new address, as a re-cloned vSphere VM would (which matters: etcd peer URLs carry it).
 */

/** Hands out consecutive IPv4 addresses. */
export class AddressPool {
  private next: number;

  constructor(first: string) {
    this.next = parseIpv4(first);
  }

  /** The next free address. */
  allocate(): string {
    const ip = this.next;
    this.next = ip + 1 > 0xffffffff ? 0 : ip + 1;
    return formatIpv4(ip);
  }
}

/** Parses dotted-quad IPv4 into an unsigned 32-bit number. */
export function parseIpv4(text: string): number {
  const parts = text.split(".");
  if (parts.length !== 4) throw new Error(`not an IPv4 address: "${text}"`);
  let n = 0;
  for (const p of parts) {
    if (!/^\d{1,3}$/.test(p) || Number(p) > 255) throw new Error(`not an IPv4 address: "${text}"`);
    n = n * 256 + Number(p);
  }
  return n;
}

/** Formats an unsigned 32-bit number as dotted-quad IPv4. */
export function formatIpv4(n: number): string {
  return `${Math.floor(n / 16777216) % 256}.${Math.floor(n / 65536) % 256}.${Math.floor(n / 256) % 256}.${n % 256}`;
}

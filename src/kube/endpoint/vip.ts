/**
 * A virtual IP that kube-vip moves between control-plane nodes (ARP mode): whoever claimed it last
 * receives its traffic. The address stays on the node that holds it even if that node dies, so
 * traffic to it is lost until another node claims it (gratuitous ARP).
 *
 * Trace: `kube.vip {address, holder, from}` on every change of holder ("" when released).
 */
import type { HostName } from "../../infra/network-types.js";
import type { VipHolder } from "../client/endpoint.js";

/** The control-plane VIP. */
export class VirtualIp implements VipHolder {
  private current: HostName | undefined;

  constructor(
    readonly address: string,
    private readonly emit: (kind: string, subject: string, fields: Record<string, unknown>) => void,
  ) {}

  /** The node that answers for the VIP now. */
  get holder(): HostName | undefined {
    return this.current;
  }

  /** `host` takes the VIP (a gratuitous ARP moves the traffic). */
  claim(host: HostName): void {
    if (this.current === host) return;
    const from = this.current ?? "";
    this.current = host;
    this.emit("kube.vip", this.address, { address: this.address, holder: host, from });
  }

  /** `host` removes the VIP from its interface (only if it still holds it). */
  release(host: HostName): void {
    if (this.current !== host) return;
    this.current = undefined;
    this.emit("kube.vip", this.address, { address: this.address, holder: "", from: host });
  }
}

/**
 * What travels on the network between a Kubernetes client and kube-apiserver's port 6443. One
 * client connection carries many requests and watches, like client-go's single HTTP/2 connection
 * per apiserver (k8s.io/apimachinery `pkg/util/net/http.go`): requests and watches are streams on
 * it, and the connection is checked with HTTP/2 pings when idle (ReadIdleTimeout 30 s, PingTimeout
 * 15 s). `conn` numbers the client's connections, so answers on an abandoned one are ignored.
 */
import type { ApiRequest, ApiResponse, ApiWatchEvent } from "./request.js";
import type { ApiStatus } from "./status.js";

/** kube-apiserver's secure port. */
export const APISERVER_PORT = 6443;

/** Client → apiserver. `port` is the client's own port, where answers go. */
export type ToServer =
  | {
      readonly t: "req";
      readonly conn: number;
      readonly port: number;
      readonly id: number;
      readonly req: ApiRequest;
    }
  | {
      readonly t: "watch";
      readonly conn: number;
      readonly port: number;
      readonly id: number;
      readonly req: ApiRequest;
    }
  | { readonly t: "unwatch"; readonly conn: number; readonly port: number; readonly id: number }
  | { readonly t: "ping"; readonly conn: number; readonly port: number }
  | { readonly t: "close"; readonly conn: number; readonly port: number };

/** Apiserver → client. */
export type ToClient =
  | { readonly t: "res"; readonly conn: number; readonly id: number; readonly res: ApiResponse }
  | {
      readonly t: "events";
      readonly conn: number;
      readonly id: number;
      readonly events: readonly ApiWatchEvent[];
    }
  | { readonly t: "wend"; readonly conn: number; readonly id: number; readonly status: ApiStatus }
  | { readonly t: "pong"; readonly conn: number }
  | { readonly t: "close"; readonly conn: number };

/** Bytes charged for a message without objects (headers, framing). */
export const FRAME_BYTES = 200;

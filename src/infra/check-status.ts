/**
 * Health-check result codes as HAProxy shows them in its stats page ("LastChk") and logs
 * ("reason: Layer4 timeout"), from haproxy doc/management.txt `check_status`.
 */

/** A check outcome code. */
export type CheckStatus = "L4OK" | "L4TOUT" | "L4CON" | "L7OK" | "L7TOUT" | "L7STS" | "L7RSP";

/** Human-readable description used in log lines. */
export const CHECK_STATUS_DESCRIPTION: Readonly<Record<CheckStatus, string>> = {
  L4OK: "Layer4 check passed",
  L4TOUT: "Layer4 timeout",
  L4CON: "Layer4 connection problem",
  L7OK: "Layer7 check passed",
  L7TOUT: "Layer7 timeout",
  L7STS: "Layer7 wrong status",
  L7RSP: "Layer7 invalid response",
};

/** What a check reports besides pass/fail. */
export interface CheckDetail {
  /** Outcome code; default L4OK on success, L4CON on failure. */
  readonly status?: CheckStatus;
  /** Extra information, e.g. "Connection refused". */
  readonly info?: string;
  /** HTTP status of a layer-7 check. */
  readonly code?: number;
}

/** `reason: …` text of a log line, e.g. `Layer4 connection problem, info: "Connection refused"`. */
export function describeCheck(status: CheckStatus, detail: CheckDetail | undefined): string {
  let s = CHECK_STATUS_DESCRIPTION[status];
  if (detail?.code !== undefined) s += `, code: ${detail.code}`;
  if (detail?.info) s += `, info: "${detail.info}"`;
  return s;
}

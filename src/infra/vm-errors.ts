/**
 * Errors of VM operations, named after the vSphere API faults a real client gets, so an experiment
 * that powers on a VM twice fails the way govc or the vSphere UI would.
 */

/** vSphere fault names used here. */
export type VmFault = "InvalidPowerState" | "NotFound" | "DuplicateName" | "ToolsUnavailable";

/** A refused VM operation. */
export class VmOperationError extends Error {
  constructor(
    /** The VM's name. */
    readonly vm: string,
    /** The operation, e.g. `powerOn`. */
    readonly operation: string,
    /** The vSphere fault. */
    readonly fault: VmFault,
    message: string,
  ) {
    super(`${operation} ${vm}: ${fault}: ${message}`);
    this.name = "VmOperationError";
  }
}

const POWER_STATE_LABEL: Readonly<Record<string, string>> = {
  poweredOn: "Powered on",
  poweredOff: "Powered off",
  suspended: "Suspended",
};

/** The InvalidPowerState fault as vSphere words it, for a VM in `state`. */
export function invalidPowerState(vm: string, operation: string, state: string): VmOperationError {
  const label = POWER_STATE_LABEL[state] ?? state;
  return new VmOperationError(
    vm,
    operation,
    "InvalidPowerState",
    `The attempted operation cannot be performed in the current state (${label}).`,
  );
}

/** The fault for an operation on a VM that was deleted. */
export function vmNotFound(vm: string, operation: string): VmOperationError {
  return new VmOperationError(
    vm,
    operation,
    "NotFound",
    "The object has already been deleted or has not been completely created.",
  );
}

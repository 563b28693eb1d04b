export { type Allocation, allocate, type OperatorSlots } from "./allocation.js";
export type * from "./api.js";
export {
  KeyChecker,
  REFUSAL_REASONS,
  type Refusal,
  type RefusalReason,
} from "./checks.js";
export { DepositLog, type DepositRecord } from "./depositLog.js";
export { Depositor, type DepositorOptions, type DepositorOutcome } from "./depositor.js";
export { allocationHash, DepositRefusedError, Guardian, type GuardianOptions } from "./guardian.js";
export { DepositorMetrics, GuardianMetrics } from "./metrics.js";
export { RegistryKeys } from "./registryKeys.js";
export { parseDepositRequest, startGuardianServer } from "./server.js";

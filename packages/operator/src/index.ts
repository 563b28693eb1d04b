/**
 * Tributary's node operator toolkit, chain and exit side: adding keys from deposit data with every
 * check first, the operator's status, commission proofs, and voluntary exits (signed from EIP-2335
 * keystores or ahead of time, posted before the protocol's deadlines by the exit daemon).
 * Keys, keystores and deposit data are `@tributary/operator/keys`.
 */
export {
  type AddKeysPlan,
  type AddKeysProgress,
  DEFAULT_KEYS_PER_TRANSACTION,
  type OperatorWallet,
  type PlanAddKeysParameters,
  planAddKeys,
  sendAddKeys,
} from "./chain/addKeys.js";
export { type CommissionProof, fetchCommissionProof } from "./chain/claim.js";
export { depositForkVersion, FORK_VERSION_BY_CHAIN_ID } from "./chain/network.js";
export { resolveOperatorId } from "./chain/operatorOf.js";
export {
  type GuardianView,
  getOperatorStatus,
  type OperatorStatus,
  type PendingExitRequest,
  readExitRequests,
  readGuardian,
  vettingAdvice,
} from "./chain/status.js";
export { currentKeys, type RegistryKeys, readDepositedKeys, readRegistryKeys } from "./chain/usedKeys.js";
export {
  AddKeysIncompleteError,
  BondBelowRequiredError,
  KeysAlreadyUsedError,
  OperatorNotFoundError,
  OracleDataError,
  UnknownNetworkError,
} from "./errors.js";
export {
  type DirectExitList,
  ExitDaemon,
  type ExitDaemonModules,
  type ExitDaemonOptions,
  type ExitState,
  exitability,
  type HealthStatus,
  initialExitState,
  type PendingExit,
  parseExitState,
  readChainInfo,
  type TickResult,
} from "./exit/daemon.js";
export {
  type ExitBlockedReason,
  ExitNotPossibleError,
  ExitSourceError,
  NoExitKeyError,
  ValidatorNotActiveError,
} from "./exit/errors.js";
export {
  decodeExitList,
  EXIT_ENTRY_BYTES,
  type ExitRequest,
  encodeExitList,
  exitListHash,
  MalformedExitListError,
} from "./exit/exitList.js";
export { runExitDaemon } from "./exit/main.js";
export { ExitMetrics } from "./exit/metrics.js";
export { type ExitServer, startExitServer } from "./exit/server.js";
export { type ExitDomainInput, signVoluntaryExit, voluntaryExitDomain } from "./exit/sign.js";
export { type SignExitsParameters, type SignedExitFile, signExits } from "./exit/signExits.js";
export {
  type ExitSource,
  type ExitTarget,
  KeystoreExitSource,
  PresignedExitSource,
  parseSignedExit,
} from "./exit/sources.js";

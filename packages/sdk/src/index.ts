// Tributary SDK: typed actions on viem. One action per file under actions/; import what you use
// (the package has no side effects, so bundlers keep only that).

export {
  type ConvertToAssetsErrorType,
  type ConvertToAssetsParameters,
  type ConvertToAssetsReturnType,
  convertToAssets,
} from "./actions/convertToAssets.js";
export {
  type ConvertToSharesErrorType,
  type ConvertToSharesParameters,
  type ConvertToSharesReturnType,
  convertToShares,
} from "./actions/convertToShares.js";
export {
  type BasisPart,
  type EstimateWaitingTimeErrorType,
  type EstimateWaitingTimeParameters,
  type EstimateWaitingTimeReturnType,
  estimateWaitingTime,
} from "./actions/estimateWaitingTime.js";
export {
  type AprPoint,
  type AprReport,
  type AprWindow,
  type GetAprErrorType,
  type GetAprParameters,
  type GetAprReturnType,
  getApr,
  SECONDS_PER_YEAR,
} from "./actions/getApr.js";
export {
  type CommitteeMember,
  type GetCommitteeErrorType,
  type GetCommitteeParameters,
  type GetCommitteeReturnType,
  getCommittee,
} from "./actions/getCommittee.js";
export {
  type GetOperatorErrorType,
  type GetOperatorParameters,
  type GetOperatorReturnType,
  getOperator,
} from "./actions/getOperator.js";
export {
  type GetOperatorsErrorType,
  type GetOperatorsParameters,
  type GetOperatorsReturnType,
  getOperators,
} from "./actions/getOperators.js";
export {
  type GetPositionErrorType,
  type GetPositionParameters,
  type GetPositionReturnType,
  getPosition,
} from "./actions/getPosition.js";
export {
  type GetQueueStateErrorType,
  type GetQueueStateParameters,
  type GetQueueStateReturnType,
  getQueueState,
} from "./actions/getQueueState.js";

export {
  type GetRateErrorType,
  type GetRateParameters,
  type GetRateReturnType,
  getRate,
} from "./actions/getRate.js";
export {
  type GetStakeLimitErrorType,
  type GetStakeLimitParameters,
  type GetStakeLimitReturnType,
  getStakeLimit,
} from "./actions/getStakeLimit.js";
export {
  type GetTicketsErrorType,
  type GetTicketsParameters,
  type GetTicketsReturnType,
  getTickets,
  type Ticket,
} from "./actions/getTickets.js";
export {
  type Deployment,
  type DeploymentContracts,
  type DeploymentHandover,
  type DeploymentParameter,
  getDeployment,
  resolveDeployment,
} from "./deployment.js";
export {
  BaseError,
  type BaseErrorParameters,
  DeploymentNotFoundError,
  InvalidArgumentError,
  RpcError,
  UnknownError,
} from "./errors/base.js";
export {
  ContractError,
  type ContractErrorArgs,
  type ContractErrorName,
  decodeContractError,
  isContractError,
} from "./errors/contract.js";
export { toTributaryError } from "./errors/decode.js";
export type { Operator } from "./utils/operators.js";

// Tributary SDK: typed actions on viem. One action per file under actions/; import what you use
// (the package has no side effects, so bundlers keep only that).

export {
  type BasisPart,
  type EstimateWaitingTimeErrorType,
  type EstimateWaitingTimeParameters,
  type EstimateWaitingTimeReturnType,
  estimateWaitingTime,
} from "./actions/estimateWaitingTime.js";
export {
  type GetRateErrorType,
  type GetRateParameters,
  type GetRateReturnType,
  getRate,
} from "./actions/getRate.js";
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

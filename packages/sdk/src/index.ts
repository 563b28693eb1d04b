// Tributary SDK: typed actions on viem. One action per file under actions/; import what you use
// (the package has no side effects, so bundlers keep only that).

export {
  type AddKeysErrorType,
  type AddKeysParameters,
  type AddKeysReturnType,
  addKeys,
  estimateAddKeysGas,
  type SimulateAddKeysReturnType,
  simulateAddKeys,
} from "./actions/addKeys.js";
export {
  type BorrowErrorType,
  type BorrowParameters,
  type BorrowReturnType,
  borrow,
  estimateBorrowGas,
  type SimulateBorrowReturnType,
  simulateBorrow,
} from "./actions/borrow.js";
export {
  type BridgeTrETHErrorType,
  type BridgeTrETHParameters,
  type BridgeTrETHReturnType,
  bridgeTrETH,
  estimateBridgeTrETHGas,
  type SimulateBridgeTrETHReturnType,
  simulateBridgeTrETH,
} from "./actions/bridgeTrETH.js";
export {
  type CastVoteErrorType,
  type CastVoteParameters,
  type CastVoteReturnType,
  castVote,
  estimateCastVoteGas,
  type SimulateCastVoteReturnType,
  simulateCastVote,
  VOTE_SUPPORT,
} from "./actions/castVote.js";
export {
  type ClaimErrorType,
  type ClaimParameters,
  type ClaimReturnType,
  claim,
  estimateClaimGas,
  type SimulateClaimReturnType,
  simulateClaim,
} from "./actions/claim.js";
export {
  type ClaimAllErrorType,
  type ClaimAllParameters,
  type ClaimAllReturnType,
  claimAll,
  estimateClaimAllGas,
  type SimulateClaimAllReturnType,
  simulateClaimAll,
} from "./actions/claimAll.js";
export {
  type ClaimCommissionErrorType,
  type ClaimCommissionParameters,
  type ClaimCommissionReturnType,
  claimCommission,
  commissionLeaf,
  estimateClaimCommissionGas,
  processProof,
  type SimulateClaimCommissionReturnType,
  simulateClaimCommission,
} from "./actions/claimCommission.js";
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
  type DelegateErrorType,
  type DelegateParameters,
  type DelegateReturnType,
  delegate,
  estimateDelegateGas,
  type SimulateDelegateReturnType,
  simulateDelegate,
} from "./actions/delegate.js";
export {
  type DelegateBySigErrorType,
  type DelegateBySigParameters,
  type DelegateBySigReturnType,
  delegateBySig,
  estimateDelegateBySigGas,
  type SignedDelegation,
  type SimulateDelegateBySigReturnType,
  signDelegation,
  simulateDelegateBySig,
} from "./actions/delegateBySig.js";
export {
  type DepositBondErrorType,
  type DepositBondParameters,
  type DepositBondReturnType,
  depositBond,
  estimateDepositBondGas,
  type SimulateDepositBondReturnType,
  simulateDepositBond,
} from "./actions/depositBond.js";
export {
  type DepositWethErrorType,
  type DepositWethParameters,
  type DepositWethReturnType,
  depositWeth,
  estimateDepositWethGas,
  type SimulateDepositWethReturnType,
  simulateDepositWeth,
} from "./actions/depositWeth.js";
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
  aprFromPoints,
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
  type GetLendingPositionErrorType,
  type GetLendingPositionParameters,
  type GetLendingPositionReturnType,
  getLendingPosition,
} from "./actions/getLendingPosition.js";
export {
  type GetMessageStatusErrorType,
  type GetMessageStatusParameters,
  getMessageStatus,
  type MessageStatus,
} from "./actions/getMessageStatus.js";
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
  type GetProposalsErrorType,
  type GetProposalsParameters,
  type GetProposalsReturnType,
  getProposals,
  PROPOSAL_STATES,
  type Proposal,
  type ProposalState,
} from "./actions/getProposals.js";
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
  type GetRemotePositionErrorType,
  type GetRemotePositionParameters,
  type GetRemotePositionReturnType,
  getRemotePosition,
} from "./actions/getRemotePosition.js";
export {
  type GetRemoteRateErrorType,
  type GetRemoteRateParameters,
  type GetRemoteRateReturnType,
  getRemoteRate,
} from "./actions/getRemoteRate.js";
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
  type GetWaitingTimeStateErrorType,
  type GetWaitingTimeStateParameters,
  type GetWaitingTimeStateReturnType,
  getWaitingTimeState,
  type WaitingTimeBeaconTerms,
  type WaitingTimeChainState,
  type WaitingTimeState,
} from "./actions/getWaitingTimeState.js";
export {
  type DexQuote,
  type QuoteDexParameters,
  type QuoteExitErrorType,
  type QuoteExitParameters,
  type QuoteExitReturnType,
  quoteDex,
  quoteExit,
} from "./actions/quoteExit.js";
export {
  estimateRegisterOperatorGas,
  type RegisterOperatorErrorType,
  type RegisterOperatorParameters,
  type RegisterOperatorReturnType,
  registerOperator,
  type SimulateRegisterOperatorReturnType,
  simulateRegisterOperator,
} from "./actions/registerOperator.js";
export {
  estimateRemoteStakeGas,
  type RemoteStakeErrorType,
  type RemoteStakeParameters,
  type RemoteStakeReturnType,
  remoteStake,
  type SimulateRemoteStakeReturnType,
  simulateRemoteStake,
} from "./actions/remoteStake.js";
export {
  estimateRemoveKeysGas,
  type RemoveKeysErrorType,
  type RemoveKeysParameters,
  type RemoveKeysReturnType,
  removeKeys,
  type SimulateRemoveKeysReturnType,
  simulateRemoveKeys,
} from "./actions/removeKeys.js";
export {
  estimateRepayGas,
  type RepayErrorType,
  type RepayParameters,
  type RepayReturnType,
  repay,
  type SimulateRepayReturnType,
  simulateRepay,
} from "./actions/repay.js";
export {
  estimateRequestRedeemGas,
  type RequestRedeemErrorType,
  type RequestRedeemParameters,
  type RequestRedeemReturnType,
  requestRedeem,
  type SimulateRequestRedeemReturnType,
  simulateRequestRedeem,
} from "./actions/requestRedeem.js";
export {
  estimateSetCommissionGas,
  type SetCommissionErrorType,
  type SetCommissionParameters,
  type SetCommissionReturnType,
  type SimulateSetCommissionReturnType,
  setCommission,
  simulateSetCommission,
} from "./actions/setCommission.js";
export {
  DEFAULT_PERMIT_SECONDS,
  type SignedPermit,
  type SignPermitErrorType,
  type SignPermitParameters,
  type SignPermitReturnType,
  signPermit,
  supportsPermit,
} from "./actions/signPermit.js";
// Writes: each action sends one transaction (or the approval/permit it needs first) and has a
// simulate and a gas estimate beside it.
export {
  estimateStakeGas,
  type SimulateStakeReturnType,
  type StakeErrorType,
  type StakeParameters,
  type StakeReturnType,
  simulateStake,
  stake,
} from "./actions/stake.js";
export {
  estimateSupplyCollateralGas,
  type SimulateSupplyCollateralReturnType,
  type SupplyCollateralErrorType,
  type SupplyCollateralParameters,
  type SupplyCollateralReturnType,
  simulateSupplyCollateral,
  supplyCollateral,
} from "./actions/supplyCollateral.js";
export {
  estimateTransferTicketGas,
  type SimulateTransferTicketReturnType,
  simulateTransferTicket,
  type TransferTicketErrorType,
  type TransferTicketParameters,
  type TransferTicketReturnType,
  transferTicket,
} from "./actions/transferTicket.js";
export {
  estimateWithdrawBondGas,
  getSpareBond,
  type SimulateWithdrawBondReturnType,
  type SpareBondParameters,
  type SpareBondReturnType,
  simulateWithdrawBond,
  type WithdrawBondErrorType,
  type WithdrawBondParameters,
  type WithdrawBondReturnType,
  withdrawBond,
} from "./actions/withdrawBond.js";
export {
  type CrosschainDeployment,
  type CrosschainHomeSide,
  type CrosschainParameter,
  type CrosschainRemoteSide,
  crosschainSide,
  parseCrosschainDeployment,
} from "./crosschain/deployment.js";
export {
  type BridgeMessage,
  MESSAGE_TYPES,
  messageId,
  messageTypedData,
  orderSignatures,
  sentMessages,
} from "./crosschain/messages.js";
export {
  type Deployment,
  type DeploymentContracts,
  type DeploymentDefi,
  type DeploymentHandover,
  type DeploymentLimits,
  type DeploymentOracle,
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
// The class, the decoder and the sentences are `@tributary/sdk/errors` (loaded by the actions on
// their first failure); the type and the check are here.
export type { ContractError, ContractErrorArgs, ContractErrorName } from "./errors/contract.js";
export {
  InsufficientFundsError,
  type InsufficientFundsErrorType,
  NothingToClaimError,
  type NothingToClaimErrorType,
} from "./errors/precheck.js";
export { isContractError } from "./errors/refusal.js";
export { type LogScanParameters, scanLogs } from "./utils/logs.js";
export type { Operator } from "./utils/operators.js";
export type { ContractCall, WriteClient, WriteRequest } from "./utils/write.js";

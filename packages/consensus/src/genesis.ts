import "./hasher.js";
import type { BeaconConfig, ChainConfig } from "@lodestar/config";
import { createBeaconConfig } from "@lodestar/config";
import {
  EPOCHS_PER_HISTORICAL_VECTOR,
  ETH1_ADDRESS_WITHDRAWAL_PREFIX,
  FAR_FUTURE_EPOCH,
  ForkSeq,
  MIN_ACTIVATION_BALANCE,
  UNSET_DEPOSIT_REQUESTS_START_INDEX,
} from "@lodestar/params";
import {
  type CachedBeaconStateFulu,
  computeProposerIndices,
  createCachedBeaconState,
  createPubkeyCache,
  getActiveValidatorIndices,
  getNextSyncCommittee,
  type PubkeyCache,
} from "@lodestar/state-transition";
import { type deneb, ssz } from "@lodestar/types";

export type GenesisParams = {
  chainConfig: ChainConfig;
  genesisTime: number;
  pubkeys: Uint8Array[];
  /** 0x01 withdrawal address of genesis validator `index` (20 bytes). */
  withdrawalAddress: (index: number) => Uint8Array;
  /** Header of the execution block the chain starts on. */
  executionPayloadHeader: deneb.ExecutionPayloadHeader;
};

export type Genesis = {
  state: CachedBeaconStateFulu;
  config: BeaconConfig;
  pubkeyCache: PubkeyCache;
};

/**
 * Builds a Fulu genesis state whose validators are already active (as `initialize_beacon_state_from_eth1`
 * would leave them after processing their deposits), without verifying deposit signatures one by one.
 * No genesis validator comes from the deposit contract, so `eth1_data.deposit_count` is 0 and every
 * deposit on the execution layer reaches the chain as an EIP-6110 deposit request.
 */
export function createGenesis(params: GenesisParams): Genesis {
  const { chainConfig, pubkeys } = params;
  const state = ssz.fulu.BeaconState.defaultViewDU();
  const blockHash = params.executionPayloadHeader.blockHash;

  state.genesisTime = params.genesisTime;
  state.fork = ssz.phase0.Fork.toViewDU({
    previousVersion: chainConfig.FULU_FORK_VERSION,
    currentVersion: chainConfig.FULU_FORK_VERSION,
    epoch: 0,
  });
  state.latestBlockHeader = ssz.phase0.BeaconBlockHeader.toViewDU({
    slot: 0,
    proposerIndex: 0,
    parentRoot: new Uint8Array(32),
    stateRoot: new Uint8Array(32),
    bodyRoot: ssz.fulu.BeaconBlockBody.hashTreeRoot(ssz.fulu.BeaconBlockBody.defaultValue()),
  });
  state.eth1Data = ssz.phase0.Eth1Data.toViewDU({
    depositRoot: ssz.phase0.DepositDataRootList.hashTreeRoot([]),
    depositCount: BigInt(0),
    blockHash,
  });
  state.randaoMixes = ssz.phase0.RandaoMixes.toViewDU(
    Array.from({ length: EPOCHS_PER_HISTORICAL_VECTOR }, () => blockHash),
  );

  for (let i = 0; i < pubkeys.length; i++) {
    const pubkey = pubkeys[i];
    if (pubkey === undefined) throw new Error(`missing pubkey ${i}`);
    const withdrawalCredentials = new Uint8Array(32);
    withdrawalCredentials[0] = ETH1_ADDRESS_WITHDRAWAL_PREFIX;
    withdrawalCredentials.set(params.withdrawalAddress(i), 12);
    state.validators.push(
      ssz.phase0.Validator.toViewDU({
        pubkey,
        withdrawalCredentials,
        effectiveBalance: MIN_ACTIVATION_BALANCE,
        slashed: false,
        activationEligibilityEpoch: 0,
        activationEpoch: 0,
        exitEpoch: FAR_FUTURE_EPOCH,
        withdrawableEpoch: FAR_FUTURE_EPOCH,
      }),
    );
    state.balances.push(MIN_ACTIVATION_BALANCE);
    state.inactivityScores.push(0);
    state.previousEpochParticipation.push(0);
    state.currentEpochParticipation.push(0);
  }
  state.latestExecutionPayloadHeader = ssz.fulu.ExecutionPayloadHeader.toViewDU(
    params.executionPayloadHeader,
  );
  state.depositRequestsStartIndex = UNSET_DEPOSIT_REQUESTS_START_INDEX;
  state.commit();
  state.genesisValidatorsRoot = state.validators.hashTreeRoot();

  const config = createBeaconConfig(chainConfig, state.genesisValidatorsRoot);
  const pubkeyCache = createPubkeyCache();
  const withoutCommittees = createCachedBeaconState(
    state,
    { config, pubkeyCache },
    { skipSyncCommitteeCache: true },
  );
  const active = getActiveValidatorIndices(withoutCommittees, 0);
  const { syncCommittee } = getNextSyncCommittee(
    ForkSeq.fulu,
    withoutCommittees,
    active,
    withoutCommittees.epochCtx.effectiveBalanceIncrements,
  );
  state.currentSyncCommittee = ssz.altair.SyncCommittee.toViewDU(syncCommittee);
  state.nextSyncCommittee = ssz.altair.SyncCommittee.toViewDU(syncCommittee);
  // Fulu `initialize_proposer_lookahead`: proposers of epochs 0 and 1 (MIN_SEED_LOOKAHEAD = 1).
  state.proposerLookahead = ssz.fulu.ProposerLookahead.toViewDU([
    ...computeProposerIndices(ForkSeq.fulu, withoutCommittees, { activeIndices: active }, 0),
    ...computeProposerIndices(ForkSeq.fulu, withoutCommittees, { activeIndices: active }, 1),
  ]);
  state.commit();
  const cached = createCachedBeaconState(state, { config, pubkeyCache }) as CachedBeaconStateFulu;
  return { state: cached, config, pubkeyCache };
}

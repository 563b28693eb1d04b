import type { ChainConfig } from "@lodestar/config";
import { type fulu, ssz } from "@lodestar/types";
import type { ExecutionLayer } from "../el/types.js";
import { createGenesis } from "../genesis.js";
import { type Hex, toHex } from "../hex.js";
import { genesisPubkeys } from "../keys.js";
import type { Logger } from "../log.js";
import { EMPTY_SIGNATURE } from "./blockBuilder.js";
import { Chain, type ChainOptions } from "./chain.js";

/** Withdrawal address of genesis validator `index`: 0xc1 followed by the index. */
export function genesisValidatorAddress(index: number): Hex {
  return `0xc1${index.toString(16).padStart(38, "0")}`;
}

export type GenesisChainParams = {
  chainConfig: ChainConfig;
  validatorCount: number;
  genesisTime?: number;
  options: Omit<ChainOptions, "genesisValidatorCount">;
  modules: { log: Logger; el: ExecutionLayer };
  pubkeys?: Uint8Array[];
};

/** A new chain at slot 0 anchored on the execution node's head block. */
export async function createChainFromGenesis(params: GenesisChainParams): Promise<Chain> {
  const elHead = await params.modules.el.headHeader();
  const genesisTime = params.genesisTime ?? elHead.timestamp;
  const pubkeys = genesisPubkeys(params.validatorCount, params.pubkeys);
  const { state } = createGenesis({
    chainConfig: params.chainConfig,
    genesisTime,
    pubkeys,
    withdrawalAddress: (i) => ssz.ExecutionAddress.fromJson(genesisValidatorAddress(i)),
    executionPayloadHeader: {
      ...elHead,
      transactionsRoot: ssz.bellatrix.Transactions.hashTreeRoot([]),
      withdrawalsRoot: ssz.capella.Withdrawals.hashTreeRoot([]),
    },
  });
  params.modules.el.setDepositCursor(-1);
  const header = { ...state.latestBlockHeader.toValue(), stateRoot: state.hashTreeRoot() };
  const root = ssz.phase0.BeaconBlockHeader.hashTreeRoot(header);
  // The genesis block: the empty body whose root the genesis state's latest block header carries.
  const block: fulu.SignedBeaconBlock = {
    message: {
      slot: header.slot,
      proposerIndex: header.proposerIndex,
      parentRoot: header.parentRoot,
      stateRoot: header.stateRoot,
      body: ssz.fulu.BeaconBlockBody.defaultValue(),
    },
    // The genesis block is signed by no one: its signature is all zeros, as beacon nodes serve it.
    signature: new Uint8Array(96),
  };
  params.modules.log.info("genesis", {
    validators: params.validatorCount,
    genesisTime,
    genesisValidatorsRoot: toHex(state.genesisValidatorsRoot),
    executionBlock: toHex(elHead.blockHash),
  });
  return new Chain(
    {
      state,
      headBlock: { slot: 0, root, header: { message: header, signature: EMPTY_SIGNATURE }, block },
      processedSlot: 0,
    },
    { ...params.options, genesisValidatorCount: params.validatorCount },
    params.modules,
  );
}

import { validatorLayout } from "./layout.js";
import { type PubkeyIndexCache, packPubkeys, pubkeyAtEquals, scanRegistry } from "./pubkeys.js";
import { locateRegions, readEpoch, readHex, readUint64, type StateRegions } from "./regions.js";
import type { StateView, ValidatorView } from "./types.js";

export { StateReadError, type StateReadErrorCode } from "./errors.js";
export { type StateFork, SUPPORTED_FORKS } from "./layout.js";
export { PubkeyIndexCache } from "./pubkeys.js";

export interface ReadStateOptions {
  /**
   * Registry indices remembered from earlier states. Hits are checked against the bytes at that index;
   * pubkeys found by the scan are added; entries that no longer match are dropped.
   */
  cache?: PubkeyIndexCache | undefined;
}

/**
 * Reads the protocol's validators out of a serialized BeaconState without deserializing it: the slot,
 * the registry size, and for each pubkey in `pubkeys` found in the registry its record and balance.
 *
 * `fork` is the `Eth-Consensus-Version` header of the beacon node's response (capella to fulu).
 * Pubkeys (hex, with or without 0x) absent from the registry, such as a deposit not processed yet, are
 * left out; the rest come in the order asked, a repeated pubkey once. Throws `StateReadError` when the
 * bytes are not a well-formed state of that fork or a pubkey is not 48 bytes of hex.
 *
 * @example
 * const view = readState(sszBytes, response.headers.get("eth-consensus-version"), pubkeys, { cache });
 */
export function readState(
  bytes: Uint8Array,
  fork: string,
  pubkeys: readonly string[],
  options: ReadStateOptions = {},
): StateView {
  const regions = locateRegions(bytes, fork);
  const { layout, view, validatorCount } = regions;
  const record = validatorLayout();
  const validatorsStart = regions.starts[layout.validators] as number;
  const balancesStart = regions.starts[layout.balances] as number;

  const cache = options.cache;
  const prepared = cache?.prepare(pubkeys);
  const wanted = prepared?.packed ?? packPubkeys(pubkeys);
  const found = new Int32Array(wanted.count).fill(-1);
  const misses = new Int32Array(wanted.count);
  let missCount = 0;
  for (let j = 0; j < wanted.count; j++) {
    const hint = prepared === undefined ? -1 : (prepared.hints[j] as number);
    if (
      hint >= 0 &&
      hint < validatorCount &&
      pubkeyAtEquals(bytes, validatorsStart + hint * record.size + record.pubkey, wanted, j)
    ) {
      found[j] = hint;
    } else {
      misses[missCount++] = j;
    }
  }
  scanRegistry(
    bytes,
    validatorsStart + record.pubkey,
    validatorCount,
    record.size,
    wanted,
    misses.subarray(0, missCount),
    found,
  );
  if (cache !== undefined && prepared !== undefined) cache.remember(pubkeys, wanted, found, prepared.hints);

  const validators: ValidatorView[] = [];
  // A registry index holds one pubkey, so an index met twice is a pubkey asked for twice: reported once.
  const reported = new Uint8Array(validatorCount);
  for (let j = 0; j < wanted.count; j++) {
    const index = found[j] as number;
    if (index < 0 || reported[index] === 1) continue;
    reported[index] = 1;
    validators.push(readValidator(regions, validatorsStart, balancesStart, index, wanted.hex[j] as string));
  }
  return {
    slot: readUint64(view, layout.slot, "slot"),
    totalValidators: validatorCount,
    validators,
  };
}

function readValidator(
  regions: StateRegions,
  validatorsStart: number,
  balancesStart: number,
  index: number,
  pubkey: string,
): ValidatorView {
  const { view, bytes } = regions;
  const record = validatorLayout();
  const at = validatorsStart + index * record.size;
  return {
    index,
    pubkey,
    balanceGwei: readUint64(view, balancesStart + index * 8, "balance"),
    effectiveBalanceGwei: readUint64(view, at + record.effectiveBalance, "effective_balance"),
    slashed: bytes[at + record.slashed] !== 0,
    activationEligibilityEpoch: readEpoch(
      view,
      at + record.activationEligibilityEpoch,
      "activation_eligibility_epoch",
    ),
    activationEpoch: readEpoch(view, at + record.activationEpoch, "activation_epoch"),
    exitEpoch: readEpoch(view, at + record.exitEpoch, "exit_epoch"),
    withdrawableEpoch: readEpoch(view, at + record.withdrawableEpoch, "withdrawable_epoch"),
  };
}

/** The block the state's latest block header describes. Its `stateRoot` is zero in the state of that block's own slot (filled in at the next slot). */
export interface BlockHeaderView {
  slot: number;
  proposerIndex: number;
  parentRoot: string;
  stateRoot: string;
  bodyRoot: string;
}

/** The small fixed facts of a state, read without touching the registry. */
export interface StateSummary {
  fork: string;
  slot: number;
  totalValidators: number;
  latestBlockHeader: BlockHeaderView;
  /**
   * The execution block of the last beacon block at or before the state's slot: for an empty slot, the
   * payload of the last block before it. This is the execution block the report's reference slot means.
   */
  executionBlockNumber: number;
  /** 0x-prefixed 32-byte hash of that execution block. */
  executionBlockHash: string;
  /** Index the next withdrawal will get; every withdrawal before it has been paid. */
  nextWithdrawalIndex: number;
  /** Validator the next withdrawal sweep starts from. */
  nextWithdrawalValidatorIndex: number;
}

/** Reads the slot, latest block header, execution block and withdrawal counters of a serialized state. */
export function readStateSummary(bytes: Uint8Array, fork: string): StateSummary {
  const regions = locateRegions(bytes, fork);
  const { layout, view } = regions;
  const header = layout.latestBlockHeader;
  const payload = regions.starts[layout.latestExecutionPayloadHeader] as number;
  return {
    fork: layout.fork,
    slot: readUint64(view, layout.slot, "slot"),
    totalValidators: regions.validatorCount,
    latestBlockHeader: {
      slot: readUint64(view, header + layout.blockHeader.slot, "latest_block_header.slot"),
      proposerIndex: readUint64(
        view,
        header + layout.blockHeader.proposerIndex,
        "latest_block_header.proposer_index",
      ),
      parentRoot: readHex(bytes, header + layout.blockHeader.parentRoot, 32),
      stateRoot: readHex(bytes, header + layout.blockHeader.stateRoot, 32),
      bodyRoot: readHex(bytes, header + layout.blockHeader.bodyRoot, 32),
    },
    executionBlockNumber: readUint64(view, payload + layout.payloadBlockNumber, "execution block_number"),
    executionBlockHash: readHex(bytes, payload + layout.payloadBlockHash, 32),
    nextWithdrawalIndex: readUint64(view, layout.nextWithdrawalIndex, "next_withdrawal_index"),
    nextWithdrawalValidatorIndex: readUint64(
      view,
      layout.nextWithdrawalValidatorIndex,
      "next_withdrawal_validator_index",
    ),
  };
}

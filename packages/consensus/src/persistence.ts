import "./hasher.js";
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import type { BeaconConfig } from "@lodestar/config";
import {
  type CachedBeaconStateFulu,
  createCachedBeaconState,
  createPubkeyCache,
} from "@lodestar/state-transition";
import { ssz } from "@lodestar/types";
import { EMPTY_SIGNATURE } from "./chain/blockBuilder.js";
import type { ChainAnchor } from "./chain/chain.js";
import type { ChainParams } from "./config.js";
import { ConsensusError } from "./errors.js";
import { fromHex, type Hex, toHex } from "./hex.js";

const FORMAT_VERSION = 1;

/** What survives a restart besides the head state (stored as SSZ beside it). */
export type PersistedMeta = {
  version: number;
  chainParams: ChainParams;
  genesisValidatorCount: number;
  processedSlot: number;
  headRoot: Hex;
  headHeader: unknown;
  depositCursor: number;
  feeRecipients: Array<[number, Hex]>;
  offline: number[];
};

function writeAtomic(path: string, data: string | Uint8Array): void {
  const tmp = `${path}.tmp`;
  writeFileSync(tmp, data);
  renameSync(tmp, path);
}

export function hasSavedChain(dataDir: string): boolean {
  return existsSync(join(dataDir, "meta.json")) && existsSync(join(dataDir, "head-state.ssz"));
}

export function saveChain(
  dataDir: string,
  state: CachedBeaconStateFulu,
  meta: Omit<PersistedMeta, "version">,
): void {
  mkdirSync(dataDir, { recursive: true });
  writeAtomic(join(dataDir, "head-state.ssz"), state.serialize());
  writeAtomic(
    join(dataDir, "meta.json"),
    `${JSON.stringify({ version: FORMAT_VERSION, ...meta }, null, 2)}\n`,
  );
}

export type LoadedChain = { anchor: ChainAnchor; meta: PersistedMeta };

/** Reads the saved head state and metadata; `makeConfig` builds the beacon config for the saved chain params. */
export function loadChain(
  dataDir: string,
  makeConfig: (params: ChainParams, genesisValidatorsRoot: Uint8Array) => BeaconConfig,
): LoadedChain {
  let meta: PersistedMeta;
  try {
    meta = JSON.parse(readFileSync(join(dataDir, "meta.json"), "utf8")) as PersistedMeta;
  } catch (cause) {
    throw new ConsensusError("cannot read saved chain metadata", { dataDir }, { cause });
  }
  if (meta.version !== FORMAT_VERSION) {
    throw new ConsensusError("saved chain has an unknown format; start with an empty --data-dir", {
      dataDir,
      version: meta.version,
    });
  }
  const bytes = readFileSync(join(dataDir, "head-state.ssz"));
  const view = ssz.fulu.BeaconState.deserializeToViewDU(bytes);
  const config = makeConfig(meta.chainParams, view.genesisValidatorsRoot);
  const state = createCachedBeaconState(view, {
    config,
    pubkeyCache: createPubkeyCache(),
  }) as CachedBeaconStateFulu;
  const header = ssz.phase0.BeaconBlockHeader.fromJson(meta.headHeader);
  return {
    meta,
    anchor: {
      state,
      headBlock: {
        slot: header.slot,
        root: fromHex(meta.headRoot),
        header: { message: header, signature: EMPTY_SIGNATURE },
      },
      processedSlot: meta.processedSlot,
      feeRecipients: meta.feeRecipients,
    },
  };
}

export function headerJson(header: Parameters<typeof ssz.phase0.BeaconBlockHeader.toJson>[0]): unknown {
  return ssz.phase0.BeaconBlockHeader.toJson(header);
}

export { toHex };

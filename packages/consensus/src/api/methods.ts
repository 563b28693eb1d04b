import type { Endpoint, routes } from "@lodestar/api";
import { ApiError, type ApplicationMethods } from "@lodestar/api/server";
import { specValuesToJson } from "@lodestar/config";
import { activePreset, ForkName } from "@lodestar/params";
import { VoluntaryExitValidity } from "@lodestar/state-transition";
import type { Chain } from "../chain/chain.js";
import { toHex } from "../hex.js";
import { ROOT_HEX, resolveBlock, resolveState } from "./resolve.js";
import { SPEC_CONSTANTS } from "./specConstants.js";
import {
  checkQueryIds,
  checkStatuses,
  selectBalances,
  selectValidators,
  validatorIndexOf,
  validatorResponse,
} from "./validators.js";

const ADDRESS_HEX = /^0x[0-9a-fA-F]{40}$/;

export const NODE_VERSION = "Tributary-embedded/v0.1.0";

type Methods<E extends Record<string, Endpoint>> = Partial<ApplicationMethods<E>>;
type SpecValue = Parameters<typeof specValuesToJson>[0][string];

const meta = (finalized: boolean) => ({ executionOptimistic: false, finalized });

export function beaconMethods(chain: Chain): Methods<routes.beacon.Endpoints> {
  return {
    async getGenesis() {
      const state = chain.head;
      return {
        data: {
          genesisTime: state.genesisTime,
          genesisValidatorsRoot: state.genesisValidatorsRoot,
          genesisForkVersion: chain.config.GENESIS_FORK_VERSION,
        },
      };
    },
    async getStateRoot({ stateId }) {
      const { state, finalized } = resolveState(chain, stateId);
      return { data: { root: state.hashTreeRoot() }, meta: meta(finalized) };
    },
    async getStateFork({ stateId }) {
      const { state, finalized } = resolveState(chain, stateId);
      return { data: state.fork.toValue(), meta: meta(finalized) };
    },
    async getStateFinalityCheckpoints({ stateId }) {
      const { state, finalized } = resolveState(chain, stateId);
      return {
        data: {
          previousJustified: state.previousJustifiedCheckpoint.toValue(),
          currentJustified: state.currentJustifiedCheckpoint.toValue(),
          finalized: state.finalizedCheckpoint.toValue(),
        },
        meta: meta(finalized),
      };
    },
    async getStateValidator({ stateId, validatorId }) {
      const { state, finalized } = resolveState(chain, stateId);
      const index = validatorIndexOf(state, validatorId);
      if (index === null) throw new ApiError(404, `Validator not found: ${validatorId}`);
      return { data: validatorResponse(state, index), meta: meta(finalized) };
    },
    async getStateValidators({ stateId, validatorIds, statuses }) {
      checkQueryIds(validatorIds);
      checkStatuses(statuses);
      const { state, finalized } = resolveState(chain, stateId);
      return { data: selectValidators(state, validatorIds, statuses), meta: meta(finalized) };
    },
    async postStateValidators({ stateId, validatorIds, statuses }) {
      checkStatuses(statuses);
      const { state, finalized } = resolveState(chain, stateId);
      return { data: selectValidators(state, validatorIds, statuses), meta: meta(finalized) };
    },
    async getStateValidatorBalances({ stateId, validatorIds }) {
      checkQueryIds(validatorIds);
      const { state, finalized } = resolveState(chain, stateId);
      return { data: selectBalances(state, validatorIds), meta: meta(finalized) };
    },
    async postStateValidatorBalances({ stateId, validatorIds }) {
      const { state, finalized } = resolveState(chain, stateId);
      return { data: selectBalances(state, validatorIds), meta: meta(finalized) };
    },
    async getBlockHeader({ blockId }) {
      const { block, finalized } = resolveBlock(chain, blockId);
      return { data: { root: block.root, canonical: true, header: block.header }, meta: meta(finalized) };
    },
    async getBlockHeaders({ slot, parentRoot }) {
      if (parentRoot !== undefined && !ROOT_HEX.test(parentRoot)) {
        throw new ApiError(400, `Invalid parent_root: ${parentRoot}`);
      }
      const candidates = [];
      if (slot !== undefined) {
        const block = chain.history.blockAtSlot(slot);
        if (block) candidates.push(block);
      } else if (parentRoot === undefined) {
        candidates.push(chain.headBlock);
      } else {
        const parent = chain.history.blockByRoot(parentRoot);
        const child = parent ? chain.history.latestChildOf(parent.slot, parentRoot) : undefined;
        if (child) candidates.push(child);
      }
      const filtered = candidates.filter(
        (b) => parentRoot === undefined || toHex(b.header.message.parentRoot) === parentRoot.toLowerCase(),
      );
      const finalized = filtered.every((b) => resolveBlock(chain, b.slot).finalized);
      return {
        data: filtered.map((b) => ({ root: b.root, canonical: true, header: b.header })),
        meta: meta(finalized),
      };
    },
    async getBlockRoot({ blockId }) {
      const { block, finalized } = resolveBlock(chain, blockId);
      return { data: { root: block.root }, meta: meta(finalized) };
    },
    async getBlockV2({ blockId }, context) {
      const { block, finalized } = resolveBlock(chain, blockId);
      const data = context?.returnBytes
        ? chain.history.fullBlockBytes(block)
        : chain.history.fullBlock(block);
      if (data === null) {
        throw new ApiError(
          404,
          `Block body not available: ${blockId} (only its header was restored; blocks are kept from the node's last start)`,
        );
      }
      return { data, meta: { ...meta(finalized), version: ForkName.fulu } };
    },
    async submitPoolVoluntaryExit({ signedVoluntaryExit }) {
      const validity = chain.submitVoluntaryExit(signedVoluntaryExit);
      if (validity !== VoluntaryExitValidity.valid) {
        throw new ApiError(400, `Invalid voluntary exit: ${validity}`);
      }
    },
    async getPoolVoluntaryExits() {
      return { data: chain.pendingExits() };
    },
  };
}

export function configMethods(chain: Chain): Methods<routes.config.Endpoints> {
  return {
    async getSpec() {
      const chainConfig = Object.entries(chain.config).filter(([key]) => /^[A-Z][A-Z0-9_]*$/.test(key));
      return {
        data: specValuesToJson({
          ...SPEC_CONSTANTS,
          ...activePreset,
          ...Object.fromEntries(chainConfig),
        } as Record<string, SpecValue>),
      };
    },
    async getDepositContract() {
      return {
        data: { chainId: chain.config.DEPOSIT_CHAIN_ID, address: chain.config.DEPOSIT_CONTRACT_ADDRESS },
      };
    },
    async getForkSchedule() {
      // Every fork in epoch order (phase0 to Fulu at genesis here, the next one at FAR_FUTURE_EPOCH), each
      // naming the version before it, as a beacon node lists them.
      return {
        data: chain.config.forksAscendingEpochOrder.map((fork) => ({
          previousVersion: fork.prevVersion,
          currentVersion: fork.version,
          epoch: fork.epoch,
        })),
      };
    },
  };
}

export function debugMethods(chain: Chain): Methods<routes.debug.Endpoints> {
  return {
    async getStateV2({ stateId }, context) {
      const { state, finalized } = resolveState(chain, stateId);
      const data = context?.returnBytes ? state.serialize() : state.toValue();
      return { data, meta: { ...meta(finalized), version: ForkName.fulu } };
    },
  };
}

export function nodeMethods(chain: Chain): Methods<routes.node.Endpoints> {
  return {
    async getSyncingStatus() {
      return {
        data: {
          headSlot: chain.headBlock.slot,
          syncDistance: 0,
          isSyncing: false,
          isOptimistic: false,
          elOffline: false,
        },
      };
    },
    async getHealth() {},
    async getNodeVersion() {
      return { data: { version: NODE_VERSION } };
    },
    async getPeerCount() {
      return { data: { disconnected: 0, connecting: 0, connected: 0, disconnecting: 0 } };
    },
  };
}

export function validatorMethods(chain: Chain): Methods<routes.validator.Endpoints> {
  return {
    async prepareBeaconProposer({ proposers }) {
      // All or nothing: one malformed entry rejects the request, so no bad address ever reaches the EVM node.
      for (const { validatorIndex, feeRecipient } of proposers) {
        if (!Number.isSafeInteger(validatorIndex) || validatorIndex < 0) {
          throw new ApiError(400, `Invalid validator_index: ${validatorIndex}`);
        }
        if (typeof feeRecipient !== "string" || !ADDRESS_HEX.test(feeRecipient)) {
          throw new ApiError(400, `Invalid fee_recipient for validator ${validatorIndex}: ${feeRecipient}`);
        }
      }
      for (const { validatorIndex, feeRecipient } of proposers) {
        chain.feeRecipients.set(validatorIndex, feeRecipient.toLowerCase() as `0x${string}`);
      }
    },
  };
}

import type { Type } from "@chainsafe/ssz";
import { ssz } from "@lodestar/types";
import { StateReadError } from "./errors.js";

/**
 * Where the fields the oracle reads sit in a serialized BeaconState, computed once per fork from
 * Lodestar's SSZ types (their sizes only; the state itself is never deserialized through them).
 *
 * SSZ puts a container's fixed-size fields, and a 4-byte offset for each variable-size one, in a fixed
 * part; the variable-size fields follow in order, each ending where the next one's offset points (the last
 * one at the end of the bytes).
 */

/** Forks whose BeaconState has the fields read here (`latest_execution_payload_header`, withdrawals). */
export const SUPPORTED_FORKS = ["capella", "deneb", "electra", "fulu"] as const;
export type StateFork = (typeof SUPPORTED_FORKS)[number];

/** A variable-size field: where its offset is, and what a well-formed value's length looks like. */
export interface VariableField {
  name: string;
  /** Position of the field's 4-byte offset within the fixed part. */
  offsetPosition: number;
  /** Size of one element for lists of fixed-size elements, else null. */
  elementSize: number | null;
  /** Maximum element count (the list's limit), or null. */
  limit: number | null;
  /** Minimum byte length (a container's fixed part), 0 for lists. */
  minLength: number;
}

export interface StateLayout {
  fork: StateFork;
  /** Length of the fixed part; the first variable-size field starts here. */
  fixedEnd: number;
  /** Positions of the fixed-size fields read here. */
  slot: number;
  latestBlockHeader: number;
  /** Positions within the latest block header. */
  blockHeader: {
    slot: number;
    proposerIndex: number;
    parentRoot: number;
    stateRoot: number;
    bodyRoot: number;
  };
  nextWithdrawalIndex: number;
  nextWithdrawalValidatorIndex: number;
  /** Every variable-size field, in order. */
  variableFields: VariableField[];
  /** Indices into `variableFields`. */
  validators: number;
  balances: number;
  latestExecutionPayloadHeader: number;
  /** Positions within the execution payload header. */
  payloadBlockNumber: number;
  payloadBlockHash: number;
}

/** Byte positions within one 121-byte validator record. */
export interface ValidatorLayout {
  size: number;
  pubkey: number;
  withdrawalCredentials: number;
  effectiveBalance: number;
  slashed: number;
  activationEligibilityEpoch: number;
  activationEpoch: number;
  exitEpoch: number;
  withdrawableEpoch: number;
}

export const PUBKEY_LENGTH = 48;

interface FieldEntryLike {
  fieldName: string;
  fieldType: Type<unknown>;
}

interface ContainerLike {
  fieldsEntries: FieldEntryLike[];
  fixedEnd: number;
}

/** Position of each fixed-size field and of each variable-size field's offset, in field order. */
function fieldPositions(type: ContainerLike): Map<string, { position: number; type: Type<unknown> }> {
  const positions = new Map<string, { position: number; type: Type<unknown> }>();
  let position = 0;
  for (const { fieldName, fieldType } of type.fieldsEntries) {
    positions.set(fieldName, { position, type: fieldType });
    position += fieldType.fixedSize ?? 4;
  }
  if (position !== type.fixedEnd) {
    throw new Error(
      `layout of ${type.fieldsEntries.length} fields ends at ${position}, type says ${type.fixedEnd}`,
    );
  }
  return positions;
}

function positionOf(
  positions: Map<string, { position: number; type: Type<unknown> }>,
  name: string,
  container: string,
): number {
  const entry = positions.get(name);
  if (entry === undefined) throw new Error(`${container} has no field ${name}`);
  return entry.position;
}

const layouts = new Map<StateFork, StateLayout>();

/** The layout of `fork`'s BeaconState; throws StateReadError("unknown_fork") for any other name. */
export function stateLayout(fork: string): StateLayout {
  const name = fork.toLowerCase() as StateFork;
  const cached = layouts.get(name);
  if (cached !== undefined) return cached;
  if (!(SUPPORTED_FORKS as readonly string[]).includes(name)) {
    throw new StateReadError(
      "unknown_fork",
      `Cannot read a beacon state of fork "${fork}": supported forks are ${SUPPORTED_FORKS.join(", ")}`,
      { fork, supported: SUPPORTED_FORKS },
    );
  }
  const stateType = ssz[name].BeaconState as unknown as ContainerLike;
  const positions = fieldPositions(stateType);
  const variableFields: VariableField[] = [];
  for (const { fieldName, fieldType } of stateType.fieldsEntries) {
    if (fieldType.fixedSize !== null) continue;
    const list = fieldType as unknown as { elementType?: Type<unknown>; limit?: number };
    const container = fieldType as unknown as Partial<ContainerLike>;
    variableFields.push({
      name: fieldName,
      offsetPosition: positionOf(positions, fieldName, "BeaconState"),
      elementSize: list.elementType?.fixedSize ?? null,
      limit: list.limit ?? null,
      minLength: container.fieldsEntries !== undefined ? (container.fixedEnd ?? 0) : 0,
    });
  }
  const variableIndex = (field: string): number => {
    const index = variableFields.findIndex((f) => f.name === field);
    if (index < 0) throw new Error(`BeaconState field ${field} is not variable-size`);
    return index;
  };
  const headerType = ssz[name].BeaconState.fields.latestExecutionPayloadHeader as unknown as ContainerLike;
  const headerPositions = fieldPositions(headerType);
  const blockHeaderPositions = fieldPositions(ssz.phase0.BeaconBlockHeader as unknown as ContainerLike);
  const inBlockHeader = (field: string) => positionOf(blockHeaderPositions, field, "BeaconBlockHeader");
  const layout: StateLayout = {
    fork: name,
    fixedEnd: stateType.fixedEnd,
    slot: positionOf(positions, "slot", "BeaconState"),
    latestBlockHeader: positionOf(positions, "latestBlockHeader", "BeaconState"),
    blockHeader: {
      slot: inBlockHeader("slot"),
      proposerIndex: inBlockHeader("proposerIndex"),
      parentRoot: inBlockHeader("parentRoot"),
      stateRoot: inBlockHeader("stateRoot"),
      bodyRoot: inBlockHeader("bodyRoot"),
    },
    nextWithdrawalIndex: positionOf(positions, "nextWithdrawalIndex", "BeaconState"),
    nextWithdrawalValidatorIndex: positionOf(positions, "nextWithdrawalValidatorIndex", "BeaconState"),
    variableFields,
    validators: variableIndex("validators"),
    balances: variableIndex("balances"),
    latestExecutionPayloadHeader: variableIndex("latestExecutionPayloadHeader"),
    payloadBlockNumber: positionOf(headerPositions, "blockNumber", "ExecutionPayloadHeader"),
    payloadBlockHash: positionOf(headerPositions, "blockHash", "ExecutionPayloadHeader"),
  };
  layouts.set(name, layout);
  return layout;
}

let validatorLayoutCache: ValidatorLayout | undefined;

/** Positions within a validator record, from Lodestar's Validator type (the same in every fork). */
export function validatorLayout(): ValidatorLayout {
  if (validatorLayoutCache !== undefined) return validatorLayoutCache;
  const type = ssz.phase0.Validator as unknown as ContainerLike;
  const positions = fieldPositions(type);
  const at = (field: string) => positionOf(positions, field, "Validator");
  validatorLayoutCache = {
    size: type.fixedEnd,
    pubkey: at("pubkey"),
    withdrawalCredentials: at("withdrawalCredentials"),
    effectiveBalance: at("effectiveBalance"),
    slashed: at("slashed"),
    activationEligibilityEpoch: at("activationEligibilityEpoch"),
    activationEpoch: at("activationEpoch"),
    exitEpoch: at("exitEpoch"),
    withdrawableEpoch: at("withdrawableEpoch"),
  };
  return validatorLayoutCache;
}

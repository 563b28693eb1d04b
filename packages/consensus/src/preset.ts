import { ACTIVE_PRESET, PresetName } from "@lodestar/params";
import { ConsensusError } from "./errors.js";

/**
 * Lodestar fixes its preset from LODESTAR_PRESET at first import. This package simulates mainnet
 * rules only (the minimal preset is not faithful for slashing penalties), so refuse anything else.
 */
export function assertMainnetPreset(): void {
  if (ACTIVE_PRESET !== PresetName.mainnet) {
    throw new ConsensusError("the consensus package needs the mainnet preset; unset LODESTAR_PRESET", {
      activePreset: ACTIVE_PRESET,
    });
  }
}

/**
 * Fuzz and invariant settings of the Solidity tests, per profile: quick locally, over a million
 * fuzzed calls on CI (`CI` set). One fixed seed for both, so a failing sequence replays.
 */
export const FUZZ_SEED = "0x7472455448";

export interface FuzzProfile {
  /** Runs of each fuzz test. */
  fuzzRuns: number;
  /** Runs of each invariant, and calls per run. */
  invariantRuns: number;
  invariantDepth: number;
}

export const LOCAL_PROFILE: FuzzProfile = Object.freeze({
  fuzzRuns: 256,
  invariantRuns: 64,
  invariantDepth: 40,
});
export const CI_PROFILE: FuzzProfile = Object.freeze({
  fuzzRuns: 10_000,
  invariantRuns: 500,
  invariantDepth: 60,
});

export function fuzzProfile(env: NodeJS.ProcessEnv = process.env): FuzzProfile {
  return env.CI ? CI_PROFILE : LOCAL_PROFILE;
}

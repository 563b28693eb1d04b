import { createRequire } from "node:module";
import hardhatNetworkHelpers from "@nomicfoundation/hardhat-network-helpers";
import hardhatNodeTestRunner from "@nomicfoundation/hardhat-node-test-runner";
import hardhatViem from "@nomicfoundation/hardhat-viem";
import hardhatViemAssertions from "@nomicfoundation/hardhat-viem-assertions";
import type { HardhatUserConfig } from "hardhat/config";
import { FUZZ_SEED, fuzzProfile } from "./lib/fuzz-profile.js";

const require = createRequire(import.meta.url);
// solc-js from npm: no compiler download is needed (or possible) on these machines.
const SOLC_VERSION: string = require("solc/package.json").version;
const SOLC_PATH = require.resolve("solc/soljson.js");
// The beacon deposit contract is compiled with the compiler it was published with.
const DEPOSIT_SOLC_VERSION: string = require("solc-0.6.11/package.json").version;
const DEPOSIT_SOLC_PATH = require.resolve("solc-0.6.11/soljson.js");
// Morpho Blue is compiled from its npm source, unchanged, with the compiler its pragma names and
// the settings it was published with (via IR, 999,999 runs).
const MORPHO_SOLC_VERSION: string = require("solc-0.8.19/package.json").version;
const MORPHO_SOLC_PATH = require.resolve("solc-0.8.19/soljson.js");

const compilers = [
  {
    version: SOLC_VERSION,
    path: SOLC_PATH,
    settings: { evmVersion: "prague", optimizer: { enabled: true, runs: 10_000 } },
  },
  {
    version: DEPOSIT_SOLC_VERSION,
    path: DEPOSIT_SOLC_PATH,
    settings: { optimizer: { enabled: true, runs: 5_000_000 } },
  },
  {
    version: MORPHO_SOLC_VERSION,
    path: MORPHO_SOLC_PATH,
    settings: { evmVersion: "paris", viaIR: true, optimizer: { enabled: true, runs: 999_999 } },
  },
];

// The accounting module is compiled through the IR pipeline: it cuts the report's gas by ~1.3k
// (`npm run bench:gas`); only this file pays the slower compile. So is the withdrawal queue: it
// cuts a claim by ~500 gas, a request by ~300 and its part of a report by ~400.
const profile = fuzzProfile();

const overrides = {
  "src/accounting/Accounting.sol": {
    version: SOLC_VERSION,
    path: SOLC_PATH,
    settings: { evmVersion: "prague", viaIR: true, optimizer: { enabled: true, runs: 10_000 } },
  },
  // trETH is close to the 24,576-byte limit: 2,000 runs keep it ~1.8 KB under, and its hot paths
  // (stake, transfer, request) cost within ~12 gas of 10,000 runs.
  "src/token/TrETH.sol": {
    version: SOLC_VERSION,
    path: SOLC_PATH,
    settings: { evmVersion: "prague", optimizer: { enabled: true, runs: 2_000 } },
  },
  "src/withdrawals/WithdrawalQueue.sol": {
    version: SOLC_VERSION,
    path: SOLC_PATH,
    settings: { evmVersion: "prague", viaIR: true, optimizer: { enabled: true, runs: 10_000 } },
  },
};

const config: HardhatUserConfig = {
  plugins: [hardhatViem, hardhatNodeTestRunner, hardhatViemAssertions, hardhatNetworkHelpers],
  solidity: {
    profiles: {
      default: { compilers, overrides },
      production: { compilers, overrides },
    },
    npmFilesToBuild: ["@morpho-org/morpho-blue/src/Morpho.sol"],
  },
  paths: {
    sources: "src",
    tests: { solidity: "test", nodejs: "test" },
  },
  // Quick locally; over a million fuzzed calls on CI (lib/fuzz-profile.ts, `npm run fuzz`).
  test: {
    solidity: {
      fuzz: { runs: profile.fuzzRuns, seed: FUZZ_SEED },
      invariant: { runs: profile.invariantRuns, depth: profile.invariantDepth },
    },
  },
  networks: {
    default: {
      type: "edr-simulated",
      chainType: "l1",
      hardfork: "prague",
      allowUnlimitedContractSize: false,
    },
  },
};

export default config;

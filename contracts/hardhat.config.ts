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
];

// The accounting module is compiled through the IR pipeline: it cuts the report's gas by ~1.3k
// (`npm run bench:gas`); only this file pays the slower compile.
const profile = fuzzProfile();

const overrides = {
  "src/accounting/Accounting.sol": {
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

/**
 * `@tributary/sdk/errors`: what turns a revert or a failed call into an SDK error, with every custom
 * error of the protocol and its sentence. The actions load it themselves, with `import()`, on their
 * first failure; it is a separate entry, not re-exported from the package root, so that a bundler
 * splitting the code (esbuild puts every module a root import reaches into the first chunk) leaves
 * the sentences out of what a page downloads first. Import it to build or decode these errors
 * yourself; to tell them apart, `isContractError` from the root is enough.
 */
export {
  ContractError,
  type ContractErrorArgs,
  type ContractErrorName,
  decodeContractError,
} from "./contract.js";
export { toTributaryError } from "./decode.js";
export { isContractError } from "./refusal.js";
export { errorSentences } from "./sentences.js";

/**
 * Validator keys for Tributary node operators: BIP-39 mnemonics, EIP-2333/2334 derivation,
 * deposit data and EIP-2335 keystores in staking-deposit-cli's formats.
 */
export {
  bareHex,
  DEPOSIT_CLI_VERSION,
  DEPOSIT_DATA_FIELDS,
  type DepositDataEntry,
  formatDepositData,
  toDepositDataEntry,
  type WriteDepositDataParameters,
  writeDepositData,
} from "./depositData.js";
export { deriveKeyAtPath, deriveMasterKey, ValidatorKeyDeriver } from "./derive.js";
export {
  DepositDataError,
  type DepositDataErrorParameters,
  DepositNetworkMismatchError,
  DepositRootMismatchError,
  DepositSignatureError,
  DuplicatePubkeyError,
  InvalidDepositDataError,
  InvalidDerivationPathError,
  InvalidKeysArgumentError,
  InvalidKeystoreError,
  InvalidMnemonicError,
  KeysError,
  type KeysErrorParameters,
  KeystorePasswordError,
  WithdrawalCredentialsMismatchError,
} from "./errors.js";
export {
  type GenerateValidatorKeysParameters,
  type GenerateValidatorKeysReturnType,
  generateValidatorKeys,
  MIN_KEYSTORE_PASSWORD_LENGTH,
  type ValidatorKey,
} from "./generate.js";
export { STANDARD_PBKDF2, STANDARD_SCRYPT } from "./kdf.js";
export {
  type CreateKeystoresParameters,
  createKeystores,
  formatKeystore,
  type Keystore,
  type KeystoreInput,
  type KeystoreKdf,
  keystoreFileName,
  loadKeystore,
  writeKeystores,
} from "./keystore.js";
export {
  assertMnemonic,
  generateMnemonic,
  isValidMnemonic,
  MNEMONIC_STRENGTH_BITS,
  mnemonicToSeed,
  normalizeMnemonic,
} from "./mnemonic.js";
export {
  assertForkVersion,
  type DepositNetwork,
  describeNetwork,
  NETWORKS,
  type NetworkName,
  networkByForkVersion,
  withdrawalCredentials,
} from "./networks.js";
export { type ExpectedDeposits, type ParsedDeposit, parseDepositData } from "./parseDepositData.js";
export {
  EIP2334_COIN_TYPE,
  EIP2334_PURPOSE,
  formatPath,
  parsePath,
  signingKeyPath,
  withdrawalKeyPath,
} from "./path.js";
export { KeyWorkerError, KeyWorkerPool } from "./pool.js";
export {
  DEPOSIT_AMOUNT_GWEI,
  type DepositFields,
  depositDataRoot,
  depositDomain,
  depositMessageRoot,
  depositSigningRoot,
  type SignedDeposit,
  signDeposit,
} from "./signing.js";

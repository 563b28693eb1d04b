import { type Address, decodeErrorResult, formatEther, type Hex } from "viem";
import { protocolErrorsAbi } from "../generated/abis.js";
import { BaseError } from "./base.js";
import { errorSentences } from "./sentences.js";

/** Name of a custom error of the protocol's contracts. */
export type ContractErrorName = (typeof protocolErrorsAbi)[number]["name"];

type ErrorItem<name extends ContractErrorName> = Extract<(typeof protocolErrorsAbi)[number], { name: name }>;
type InputValue<type extends string> = type extends `uint${string}` | `int${string}`
  ? bigint
  : type extends "bool"
    ? boolean
    : type extends "address"
      ? Address
      : type extends `bytes${string}`
        ? Hex
        : type extends "string"
          ? string
          : unknown;
/** The values a custom error carries, by parameter name. */
export type ContractErrorArgs<name extends ContractErrorName> = {
  [input in ErrorItem<name>["inputs"][number] as input["name"]]: InputValue<input["type"]>;
};

/**
 * A transaction or call the protocol refused with one of its custom errors. `errorName` is the
 * contract's error (e.g. `TrETHStakeLimitExceeded`), `args` its values by name, and the message a
 * plain sentence built from them. `name` is the error's name with `Error` appended.
 */
export class ContractError<name extends ContractErrorName = ContractErrorName> extends BaseError {
  override name: `${name}Error`;
  readonly errorName: name;
  readonly args: ContractErrorArgs<name>;
  readonly contractAddress: Hex | undefined;

  constructor(
    errorName: name,
    args: ContractErrorArgs<name>,
    parameters: { cause?: unknown; contractAddress?: Hex | undefined } = {},
  ) {
    const sentence = (errorSentences as Record<string, (a: never, eth: typeof formatEther) => string>)[
      errorName
    ];
    super(sentence ? sentence(args as never, formatEther) : `The contract refused the call: ${errorName}.`, {
      docsPath: "errors",
      metaMessages: Object.entries(args as Record<string, unknown>).map(([k, v]) => `  ${k}: ${String(v)}`),
      cause: parameters.cause,
    });
    this.name = `${errorName}Error`;
    this.errorName = errorName;
    this.args = args;
    this.contractAddress = parameters.contractAddress;
  }
}

/** Decodes revert data against every custom error of the protocol; undefined when it is none of them. */
export function decodeContractError(data: Hex, cause?: unknown): ContractError | undefined {
  try {
    const decoded = decodeErrorResult({ abi: protocolErrorsAbi, data });
    const item = protocolErrorsAbi.find(
      (e) => e.name === decoded.errorName && e.inputs.length === (decoded.args?.length ?? 0),
    );
    const args: Record<string, unknown> = {};
    for (const [i, input] of (item?.inputs ?? []).entries())
      args[input.name || `arg${i}`] = decoded.args?.[i];
    return new ContractError(decoded.errorName as ContractErrorName, args as never, { cause });
  } catch {
    return undefined;
  }
}

/** Revert data carried anywhere in a viem error's cause chain. */
export function revertDataOf(error: unknown): Hex | undefined {
  let current: unknown = error;
  for (let depth = 0; current && depth < 10; depth++) {
    const data = (current as { data?: unknown }).data;
    if (typeof data === "string" && data.startsWith("0x") && data.length >= 10) return data as Hex;
    if (data && typeof data === "object" && typeof (data as { data?: unknown }).data === "string") {
      return (data as { data: Hex }).data;
    }
    // viem's ContractFunctionRevertedError keeps the raw data in `raw`.
    const raw = (current as { raw?: unknown }).raw;
    if (typeof raw === "string" && raw.startsWith("0x") && raw.length >= 10) return raw as Hex;
    current = (current as { cause?: unknown }).cause;
  }
  return undefined;
}

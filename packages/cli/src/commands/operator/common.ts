/** What the `tributary operator …` commands share: the operator resolved, bps parsed, key errors named. */

import { resolveOperatorId } from "@tributary/operator";
import { KeysError } from "@tributary/operator/keys";
import { InvalidArgumentError } from "@tributary/sdk";
import { CliError, ExitCode } from "../../exit.js";
import type { GlobalOptions } from "../../options.js";
import { parseId } from "../../parse.js";
import type { SignerContext } from "../../transaction.js";

export interface OperatorOptions extends GlobalOptions {
  operatorId?: string | undefined;
}

/** Basis points as typed: a whole number from 0 to 10,000. */
export function parseBps(text: string, argument: string): number {
  const trimmed = text.trim();
  if (!/^\d+$/.test(trimmed) || Number(trimmed) > 10_000)
    throw new InvalidArgumentError(
      argument,
      `"${text}" is not a commission in basis points: give 0 to 10000 (500 = 5%).`,
    );
  return Number(trimmed);
}

/** `--operator-id`, else the one operator the account manages. */
export function operatorIdOf(context: SignerContext, options: OperatorOptions): Promise<bigint> {
  const given =
    options.operatorId === undefined ? undefined : parseId(options.operatorId, "operator-id", "operator id");
  return resolveOperatorId(context.client, context.deployment, context.account.address, given);
}

/** The keys module's named errors (bad deposit data, wrong keystore password) as refusals that keep their name. */
export function keysRefusal(error: unknown): unknown {
  if (!(error instanceof KeysError)) return error;
  const refusal = new CliError(error.shortMessage, ExitCode.refused, { cause: error });
  refusal.name = error.name;
  return refusal;
}

/** "5.00%" from basis points. */
export const bpsWords = (bps: number) => `${(bps / 100).toFixed(2)}%`;

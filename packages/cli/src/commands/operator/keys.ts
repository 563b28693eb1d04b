import { estimateRemoveKeysGas, getOperator, removeKeys as sdkRemoveKeys } from "@tributary/sdk";
import { usageError } from "../../exit.js";
import { output } from "../../output.js";
import { connectSigner, execute, inclusionWords, transactionJson } from "../../transaction.js";
import { type OperatorOptions, operatorIdOf } from "./common.js";

/** `tributary operator remove-keys --from-index <i>`: removes keys i..end, none of which may be deposited. */
export async function removeKeys(options: OperatorOptions & { fromIndex: string }): Promise<void> {
  if (!/^\d+$/.test(options.fromIndex.trim()))
    throw usageError(`--from-index "${options.fromIndex}" is not a key index.`);
  const fromIndex = Number(options.fromIndex);
  const context = await connectSigner(options);
  const { client, wallet, deployment } = context;
  const operatorId = await operatorIdOf(context, options);
  const operator = await getOperator(client, { operatorId, deployment });
  const { total, deposited } = operator.keys;
  if (fromIndex >= total)
    throw usageError(`Operator ${operatorId} has ${total} keys: there is no key ${fromIndex}.`);
  if (fromIndex < deposited)
    throw usageError(
      `Keys below ${deposited} of operator ${operatorId} are deposited and cannot be removed: give --from-index ${deposited} or more.`,
    );
  const count = BigInt(total - fromIndex);
  const parameters = { operatorId, count, deployment };
  const sent = await execute(context, {
    description: `Remove keys ${fromIndex}..${total - 1} (${count}) of operator ${operatorId}. Removed keys can never be added again: replacements come from the next derivation indices.`,
    to: { name: "OperatorRegistry", address: deployment.contracts.operatorRegistry },
    value: 0n,
    estimateGas: () => estimateRemoveKeysGas(wallet, parameters),
    send: () => sdkRemoveKeys(wallet, parameters),
  });
  output(options, `Removed ${count} keys of operator ${operatorId} ${inclusionWords(sent)}.`, {
    action: "operator remove-keys",
    ...transactionJson(sent),
    operatorId,
    fromIndex,
    removed: count,
  });
}

/**
 * One transaction (or a few in a row) from a button to its block: the wallet prompt, the pending
 * hash, its block and confirmations, and a sentence when anything fails. Once it is in a block,
 * every figure on the page is read again.
 */
import { useQueryClient } from "@tanstack/react-query";
import { useEffect, useState } from "react";
import type { Hash } from "viem";
import { useBlockNumber, useWaitForTransactionReceipt } from "wagmi";
import { sentence } from "./errors.js";

export interface Transaction {
  /** Sends what `run` sends; any failure becomes a sentence and nothing further is sent. True once sent. */
  send(run: () => Promise<Hash | readonly Hash[]>): Promise<boolean>;
  /** The wallet is asked, or a transaction waits for its block. */
  busy: boolean;
  sending: boolean;
  hash: Hash | undefined;
  failure: string | undefined;
  status: "idle" | "pending" | "success" | "reverted";
  blockNumber: bigint | undefined;
}

export function useTransaction(): Transaction {
  const queryClient = useQueryClient();
  const [hash, setHash] = useState<Hash>();
  const [failure, setFailure] = useState<string>();
  const [sending, setSending] = useState(false);
  const receipt = useWaitForTransactionReceipt({ hash, query: { enabled: !!hash } });
  const mined = receipt.data?.blockNumber;
  useEffect(() => {
    if (mined !== undefined) void queryClient.invalidateQueries();
  }, [mined, queryClient]);
  async function send(run: () => Promise<Hash | readonly Hash[]>) {
    setFailure(undefined);
    setHash(undefined);
    setSending(true);
    try {
      const sent = await run();
      setHash(typeof sent === "string" ? sent : sent.at(-1));
      return true;
    } catch (error) {
      setFailure(sentence(error));
      return false;
    } finally {
      setSending(false);
    }
  }
  const status = !hash
    ? "idle"
    : !receipt.data
      ? "pending"
      : receipt.data.status === "success"
        ? "success"
        : "reverted";
  return {
    send,
    busy: sending || status === "pending",
    sending,
    hash,
    failure: failure ?? (receipt.error ? sentence(receipt.error) : undefined),
    status,
    blockNumber: mined,
  };
}

/** The transaction's progress, read out to screen readers as it changes. */
export function TxStatus({ tx, done }: { tx: Transaction; done: (block: bigint) => string }) {
  const { data: head } = useBlockNumber({ watch: tx.status === "success" });
  const confirmations =
    tx.blockNumber !== undefined && head !== undefined && head >= tx.blockNumber
      ? head - tx.blockNumber + 1n
      : undefined;
  return (
    <div aria-live="polite" className="tx">
      {tx.failure ? <p className="error">{tx.failure}</p> : null}
      {tx.sending ? <p>Confirm in your wallet…</p> : null}
      {tx.status === "pending" && tx.hash ? (
        <p>
          <span className="spinner" aria-hidden="true" /> Transaction sent ({tx.hash.slice(0, 10)}…): waiting
          for its block…
        </p>
      ) : null}
      {tx.status === "success" && tx.blockNumber !== undefined ? (
        <p className="ok">
          {done(tx.blockNumber)}
          {confirmations !== undefined
            ? ` ${confirmations} confirmation${confirmations === 1n ? "" : "s"}.`
            : ""}
        </p>
      ) : null}
      {tx.status === "reverted" ? (
        <p className="error">The transaction was reverted: nothing changed.</p>
      ) : null}
    </div>
  );
}

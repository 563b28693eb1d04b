import { useQuery } from "@tanstack/react-query";
import {
  addKeys,
  claimCommission,
  getOperators,
  type Operator,
  registerOperator,
  setCommission,
} from "@tributary/sdk";
import { operatorRegistryAbi } from "@tributary/sdk/abis";
import { useId, useState } from "react";
import { concat, type Hex, isAddress } from "viem";
import { useBalance, useReadContract } from "wagmi";
import { useApp } from "../context.js";
import { DepositDataError, type DepositKey, parseDepositData } from "../depositData.js";
import { sentence } from "../errors.js";
import { eth, parseAmount, treth, when } from "../format.js";
import { useAccount } from "../hooks.js";
import { HEADING } from "../pages.js";
import { TxStatus, useTransaction } from "../tx.js";

/** Commission as a person types it, "7.5" (percent), in basis points; undefined if not 0–100 with ≤ 2 decimals. */
function parsePercent(text: string): number | undefined {
  if (!/^\d{1,3}(\.\d{1,2})?$/.test(text.trim())) return undefined;
  const bps = Math.round(Number(text.trim()) * 100);
  return bps <= 10_000 ? bps : undefined;
}

export function Operators() {
  const { deployment } = useApp();
  const { address, client } = useAccount();
  const operators = useQuery({
    queryKey: ["operators", deployment.contracts.operatorRegistry],
    queryFn: () => getOperators(client as never, { deployment }),
    enabled: !!client,
  });
  const mine = address
    ? (operators.data ?? []).filter((o) => o.manager.toLowerCase() === address.toLowerCase())
    : [];
  return (
    <section aria-labelledby="operators-page-title">
      <h1 id="operators-page-title">{HEADING.operators}</h1>
      <p>
        Operators run validators with the pooled ETH. Each posts a bond in trETH that absorbs its own losses
        first, and earns the commission it set on its validators' rewards.
      </p>
      {!address ? <p>Connect the wallet that manages your operator, or the one you will join with.</p> : null}
      {operators.error ? <p className="error">{sentence(operators.error)}</p> : null}
      {mine.map((operator) => (
        <ManagedOperator key={operator.operatorId.toString()} operator={operator} />
      ))}
      {address && operators.data ? <Join /> : null}
    </section>
  );
}

function Join() {
  const { deployment } = useApp();
  const { address, wallet } = useAccount();
  const balance = useBalance({ address, query: { enabled: !!address } });
  const tx = useTransaction();
  const id = useId();
  const [reward, setReward] = useState("");
  const [commission, setCommissionText] = useState("10");
  const [bondText, setBond] = useState("2");
  const bps = parsePercent(commission);
  const bond = bondText.trim() === "0" ? 0n : parseAmount(bondText);
  const rewardAddress = (reward.trim() === "" ? address : reward.trim()) as `0x${string}`;
  const problem =
    reward.trim() !== "" && !isAddress(reward.trim())
      ? "The reward address must be 0x and 40 hexadecimal digits."
      : bps === undefined
        ? "Enter the commission in percent, from 0 to 100, like 7.5."
        : bond === undefined
          ? "Enter the bond in ETH, like 2 (0 to post it later)."
          : balance.data && bond > balance.data.value
            ? `Your balance is too low for this bond: you have ${eth(balance.data.value)}.`
            : undefined;
  return (
    <section aria-labelledby={`${id}-title`} className="card">
      <h2 id={`${id}-title`}>Join as an operator</h2>
      <form
        onSubmit={(event) => {
          event.preventDefault();
          if (!wallet || problem || bps === undefined || bond === undefined) return;
          void tx.send(() =>
            registerOperator(wallet as never, { deployment, rewardAddress, commissionBps: bps, bond }),
          );
        }}
      >
        <label htmlFor={`${id}-reward`}>Reward address (empty: this wallet)</label>
        <input
          id={`${id}-reward`}
          value={reward}
          placeholder={address}
          autoComplete="off"
          onChange={(e) => setReward(e.target.value)}
        />
        <label htmlFor={`${id}-commission`}>Commission (% of your validators' rewards)</label>
        <input
          id={`${id}-commission`}
          inputMode="decimal"
          value={commission}
          onChange={(e) => setCommissionText(e.target.value)}
        />
        <label htmlFor={`${id}-bond`}>Bond (ETH, staked into trETH)</label>
        <input
          id={`${id}-bond`}
          inputMode="decimal"
          value={bondText}
          onChange={(e) => setBond(e.target.value)}
        />
        <div aria-live="polite">{problem ? <p className="error">{problem}</p> : null}</div>
        <button type="submit" disabled={!wallet || !!problem || tx.busy}>
          Join
        </button>
      </form>
      <TxStatus tx={tx} done={(block) => `Registered in block ${block}.`} />
    </section>
  );
}

function ManagedOperator({ operator }: { operator: Operator }) {
  const o = operator;
  return (
    <section aria-labelledby={`op-${o.operatorId}`} className="card">
      <h2 id={`op-${o.operatorId}`}>Operator #{o.operatorId.toString()}</h2>
      <dl className="figures">
        <div>
          <dt>Keys</dt>
          <dd>
            {o.keys.total} submitted, {o.keys.vetted} vetted, {o.keys.deposited} deposited, {o.keys.exited}{" "}
            exited
          </dd>
        </div>
        <div>
          <dt>Bond</dt>
          <dd>
            {treth(o.bondShares, 4)} = {eth(o.bondValue, 4)} (needed {eth(o.requiredBond, 4)})
          </dd>
        </div>
        <div>
          <dt>Commission</dt>
          <dd>
            {(o.commissionBps / 100).toFixed(2)}%
            {o.pendingCommission
              ? `, ${(o.pendingCommission.commissionBps / 100).toFixed(2)}% from ${when(o.pendingCommission.effectiveAt)}`
              : ""}
          </dd>
        </div>
      </dl>
      <UploadKeys operator={o} />
      <Commission operator={o} />
      <ClaimCommission operator={o} />
    </section>
  );
}

function UploadKeys({ operator }: { operator: Operator }) {
  const { deployment } = useApp();
  const { wallet } = useAccount();
  const tx = useTransaction();
  const id = useId();
  const [keys, setKeys] = useState<DepositKey[]>();
  const [problem, setProblem] = useState<string>();
  const credentials = useReadContract({
    address: deployment.contracts.operatorRegistry,
    abi: operatorRegistryAbi,
    functionName: "withdrawalCredentials",
  });
  async function onFile(file: File | undefined) {
    setKeys(undefined);
    setProblem(undefined);
    if (!file) return;
    if (!credentials.data) {
      setProblem("The protocol's withdrawal credentials could not be read: try again in a moment.");
      return;
    }
    try {
      setKeys(parseDepositData(await file.text(), credentials.data as Hex));
    } catch (error) {
      setProblem(error instanceof DepositDataError ? error.message : sentence(error));
    }
  }
  return (
    <form
      onSubmit={(event) => {
        event.preventDefault();
        if (!wallet || !keys) return;
        void tx.send(() =>
          addKeys(wallet as never, {
            deployment,
            operatorId: operator.operatorId,
            pubkeys: concat(keys.map((k) => k.pubkey)),
            signatures: concat(keys.map((k) => k.signature)),
          }),
        );
      }}
    >
      <label htmlFor={id}>Add keys: a deposit_data file</label>
      <input
        id={id}
        type="file"
        accept=".json,application/json"
        onChange={(e) => void onFile(e.target.files?.[0])}
      />
      <div aria-live="polite">
        {problem ? <p className="error">{problem}</p> : null}
        {keys ? (
          <p>
            {keys.length} key{keys.length === 1 ? "" : "s"} checked. Any bond they need beyond yours is posted
            with them.
          </p>
        ) : null}
      </div>
      <button type="submit" disabled={!wallet || !keys || tx.busy}>
        Add {keys?.length ?? ""} keys
      </button>
      <TxStatus tx={tx} done={(block) => `Keys added in block ${block}; the guardians vet them next.`} />
    </form>
  );
}

function Commission({ operator }: { operator: Operator }) {
  const { deployment } = useApp();
  const { wallet } = useAccount();
  const tx = useTransaction();
  const id = useId();
  const [text, setText] = useState("");
  const bps = parsePercent(text);
  const problem =
    text.trim() !== "" && bps === undefined
      ? "Enter the commission in percent, from 0 to 100, like 7.5."
      : undefined;
  return (
    <form
      onSubmit={(event) => {
        event.preventDefault();
        if (!wallet || bps === undefined) return;
        void tx.send(() =>
          setCommission(wallet as never, { deployment, operatorId: operator.operatorId, commissionBps: bps }),
        );
      }}
    >
      <label htmlFor={id}>New commission (%): a decrease applies at once, an increase after a delay</label>
      <input id={id} inputMode="decimal" value={text} onChange={(e) => setText(e.target.value)} />
      <div aria-live="polite">{problem ? <p className="error">{problem}</p> : null}</div>
      <button type="submit" disabled={!wallet || bps === undefined || tx.busy}>
        Set commission
      </button>
      <TxStatus tx={tx} done={(block) => `Commission set in block ${block}.`} />
    </form>
  );
}

interface ProofEntry {
  refSlot: number;
  entry: { account: `0x${string}`; cumulativeShares: string; proof: Hex[] };
}

/** The operator's leaf and proof come from an oracle member (the first that answers); the SDK checks them against the root on chain. */
function ClaimCommission({ operator }: { operator: Operator }) {
  const { deployment, config } = useApp();
  const { wallet } = useAccount();
  const tx = useTransaction();
  const urls = config.oracleUrls ?? [];
  const proof = useQuery({
    queryKey: ["commissionProof", operator.operatorId.toString(), urls.join()],
    queryFn: async ({ signal }) => {
      let last = "no oracle member is configured";
      for (const url of urls) {
        try {
          const response = await fetch(
            `${url.replace(/\/$/, "")}/v1/rewards-tree/proof/${operator.operatorId}`,
            {
              signal,
            },
          );
          if (response.status === 404) return null;
          if (response.ok) return (await response.json()) as ProofEntry;
          last = `the oracle member at ${url} answered ${response.status}`;
        } catch {
          last = `the oracle member at ${url} does not answer`;
        }
      }
      throw new Error(`The rewards proof could not be read: ${last}.`);
    },
    enabled: urls.length > 0,
    retry: false,
  });
  if (urls.length === 0) return null;
  return (
    <div>
      <h3>Commission</h3>
      {proof.error ? <p className="error">{sentence(proof.error)}</p> : null}
      {proof.data === null ? (
        <p>No commission is in the rewards tree yet: it comes with the reports.</p>
      ) : null}
      {proof.data ? (
        <button
          type="button"
          disabled={!wallet || tx.busy}
          onClick={() => {
            const { entry } = proof.data as ProofEntry;
            void tx.send(() =>
              claimCommission(wallet as never, {
                deployment,
                operatorId: operator.operatorId,
                account: entry.account,
                cumulativeShares: BigInt(entry.cumulativeShares),
                proof: entry.proof,
              }),
            );
          }}
        >
          Claim commission earned to slot {proof.data.refSlot} (
          {treth(BigInt(proof.data.entry.cumulativeShares), 4)} in all)
        </button>
      ) : null}
      <TxStatus tx={tx} done={(block) => `Commission claimed in block ${block}.`} />
    </div>
  );
}

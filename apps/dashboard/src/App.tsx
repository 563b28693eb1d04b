import { lazy, Suspense, useEffect, useState } from "react";
import { useChainId, useConnect, useConnection, useConnectors, useDisconnect, useSwitchChain } from "wagmi";
import { useApp } from "./context.js";
import { sentence } from "./errors.js";
import { Stake } from "./pages/Stake.js";
import { PAGE_LIST, type PageId, pageOf } from "./pages.js";

// The stake page comes with the app; the others load when first opened.
const Withdraw = lazy(() => import("./pages/Withdraw.js").then((m) => ({ default: m.Withdraw })));
const Portfolio = lazy(() => import("./pages/Portfolio.js").then((m) => ({ default: m.Portfolio })));
const Analytics = lazy(() => import("./pages/Analytics.js").then((m) => ({ default: m.Analytics })));
const Governance = lazy(() => import("./pages/Governance.js").then((m) => ({ default: m.Governance })));
const Operators = lazy(() => import("./pages/Operators.js").then((m) => ({ default: m.Operators })));

const COMPONENTS = {
  stake: Stake,
  withdraw: Withdraw,
  portfolio: Portfolio,
  analytics: Analytics,
  governance: Governance,
  operators: Operators,
} as const;

export function App() {
  const [page, setPage] = useState<PageId>(() => pageOf(window.location.hash));
  useEffect(() => {
    const onHash = () => setPage(pageOf(window.location.hash));
    window.addEventListener("hashchange", onHash);
    return () => window.removeEventListener("hashchange", onHash);
  }, []);
  const Page = COMPONENTS[page];
  const title = PAGE_LIST.find((p) => p.id === page)?.title ?? "Stake";
  useEffect(() => {
    document.title = `${title} · Tributary`;
  }, [title]);
  return (
    <>
      <header className="bar">
        <a className="brand" href="#/stake">
          Tributary
        </a>
        <nav aria-label="Pages">
          {PAGE_LIST.map((p) => (
            <a key={p.id} href={`#/${p.id}`} aria-current={p.id === page ? "page" : undefined}>
              {p.title}
            </a>
          ))}
        </nav>
        <Wallet />
      </header>
      <WrongNetwork />
      <main className="page" id="main">
        <Suspense fallback={<p>Loading…</p>}>
          <Page />
        </Suspense>
      </main>
    </>
  );
}

function Wallet() {
  const connection = useConnection();
  const connectors = useConnectors();
  const connect = useConnect();
  const disconnect = useDisconnect();
  if (connection.status === "connected" && connection.address) {
    return (
      <div className="wallet">
        <span className="address" title={connection.address}>
          {connection.address.slice(0, 6)}…{connection.address.slice(-4)}
        </span>
        <button type="button" onClick={() => disconnect.mutate()}>
          Disconnect
        </button>
      </div>
    );
  }
  return (
    <div className="wallet">
      {connectors.length === 0 ? (
        <span>No wallet found in this browser.</span>
      ) : (
        connectors.map((connector) => (
          <button
            key={connector.uid}
            type="button"
            disabled={connect.isPending}
            onClick={() => connect.mutate({ connector })}
          >
            {connector.name}
          </button>
        ))
      )}
      {connect.error ? (
        <p role="alert" className="error">
          {sentence(connect.error)}
        </p>
      ) : null}
    </div>
  );
}

function WrongNetwork() {
  const { config } = useApp();
  const connection = useConnection();
  const appChain = useChainId();
  const switchChain = useSwitchChain();
  if (
    connection.status !== "connected" ||
    connection.chainId === undefined ||
    connection.chainId === appChain
  ) {
    return null;
  }
  return (
    <div className="banner" role="alert">
      Your wallet is on chain {connection.chainId}; Tributary here runs on chain {config.chainId}.{" "}
      <button type="button" onClick={() => switchChain.mutate({ chainId: config.chainId })}>
        Switch to chain {config.chainId}
      </button>
      {switchChain.error ? <span className="error"> {sentence(switchChain.error)}</span> : null}
    </div>
  );
}

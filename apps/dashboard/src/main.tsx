import { QueryClient, QueryClientProvider } from "@tanstack/react-query";
import { getDeployment } from "@tributary/sdk";
import { StrictMode } from "react";
import { createRoot } from "react-dom/client";
import { WagmiProvider } from "wagmi";
import { App } from "./App.js";
import { loadConfig } from "./config.js";
import { Context } from "./context.js";
import "./style.css";
import { createWagmiConfig } from "./wagmi.js";

const root = createRoot(document.getElementById("root") as HTMLElement);

try {
  const config = await loadConfig();
  const deployment = config.deployment ?? getDeployment(config.chainId);
  if (!deployment) {
    throw new Error(
      `Tributary has no deployment on chain ${config.chainId}: config.json needs its addresses.`,
    );
  }
  const queryClient = new QueryClient({ defaultOptions: { queries: { staleTime: 4_000, retry: 2 } } });
  root.render(
    <StrictMode>
      <WagmiProvider config={createWagmiConfig(config)}>
        <QueryClientProvider client={queryClient}>
          <Context.Provider value={{ config, deployment }}>
            <App />
          </Context.Provider>
        </QueryClientProvider>
      </WagmiProvider>
    </StrictMode>,
  );
} catch (error) {
  root.render(
    <main className="page">
      <h1>Tributary</h1>
      <p role="alert">{(error as Error).message}</p>
    </main>,
  );
}

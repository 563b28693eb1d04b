import type { Deployment } from "@tributary/sdk";
import { createContext, useContext } from "react";
import type { DashboardConfig } from "./config.js";

export interface AppContext {
  config: DashboardConfig;
  deployment: Deployment;
}

export const Context = createContext<AppContext | undefined>(undefined);

export function useApp(): AppContext {
  const value = useContext(Context);
  if (!value) throw new Error("useApp outside the app");
  return value;
}

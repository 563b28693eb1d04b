export { RelayerMetrics } from "./metrics.js";
export { type ChainSide, Relayer, type RelayerOptions } from "./relayer.js";
export { startRelayerServer } from "./server.js";

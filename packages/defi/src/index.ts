export { type ArbitrageResult, arbitrageOnce } from "./arbitrage.js";
export { type DeployDefiOptions, deployDefi } from "./deploy.js";
export { measureDefiGas } from "./gas.js";
export {
  DEFAULT_LLTV,
  DEFAULT_RATE_PER_SECOND,
  deployMorphoMarket,
  type MorphoMarket,
  marketIdOf,
  marketParamsOf,
} from "./morpho.js";
export {
  addLiquidityAroundRate,
  createTrETHPool,
  deployUniswap,
  sqrtPriceX96,
  tickOf,
  type UniswapContracts,
  type UniswapPool,
} from "./uniswap.js";

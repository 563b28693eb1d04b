export { type DeployDefiOptions, deployDefi } from "./deploy.js";
export { measureDefiGas } from "./gas.js";
export {
  addLiquidityAroundRate,
  createTrETHPool,
  deployUniswap,
  sqrtPriceX96,
  tickOf,
  type UniswapContracts,
  type UniswapPool,
} from "./uniswap.js";

// `tributary operator …`: one chunk, loaded when an operator command runs.
export { addKeys } from "./addKeys.js";
export { bondTopUp, bondWithdraw } from "./bond.js";
export { claim } from "./claim.js";
export { setCommission } from "./commission.js";
export { exitDaemon, signExits } from "./exits.js";
export { removeKeys } from "./keys.js";
export { register } from "./register.js";
export { status } from "./status.js";

/** `npm run operator-exits -w @tributary/operator -- [options]`: the exit daemon (see --help). */
import { runExitDaemon } from "./main.js";

process.exitCode = await runExitDaemon(process.argv.slice(2));

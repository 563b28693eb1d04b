/** Entry of a key pool worker thread: runs each task it is sent and answers with its result. */
import { parentPort } from "node:worker_threads";
import { runTask } from "./runTask.js";
import type { Task } from "./tasks.js";

if (!parentPort) throw new Error("worker.ts runs as a worker thread of KeyWorkerPool only");
const port = parentPort;

port.on("message", async ({ id, task }: { id: number; task: Task }) => {
  try {
    port.postMessage({ id, result: await runTask(task) });
  } catch (error) {
    // Only the name and message cross back: a task's error never carries its inputs.
    const { name, message } = error as Error;
    port.postMessage({ id, error: { name, message } });
  }
});

/**
 * Not a test: the child process of `cleanup.test.ts`. It runs a rehearsal long enough to be killed mid-run,
 * and does nothing unless FPM_GRACEFUL_KILL_CHILD=1 (the test runner also loads every file under test/).
 */
import { rehearse } from "../../src/rehearse/run.js";

if (process.env.FPM_GRACEFUL_KILL_CHILD === "1") {
  await rehearse({
    strategies: ["recommended"],
    topology: process.env.FPM_GRACEFUL_TOPOLOGY === "sidecar" ? "sidecar" : "separate",
    propagationSeconds: 1,
    replicas: 2,
    restarts: 3,
    rps: 10,
    mix: [
      { share: 0.8, ms: 50 },
      { share: 0.2, ms: 5000 },
    ],
  });
}

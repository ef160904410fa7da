import { setFlagsFromString } from "node:v8";
import { runInNewContext } from "node:vm";

// A full collection before each timed iteration, so one task's garbage (check keeps the whole model alive
// until it returns) is not collected on the next task's clock. Exposed at run time because `npm run bench`
// starts node without --expose-gc.
setFlagsFromString("--expose-gc");

/** Runs a full garbage collection. */
export const collectGarbage = runInNewContext("gc") as () => void;

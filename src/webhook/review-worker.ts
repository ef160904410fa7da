/**
 * The worker thread's side of `pool.ts`: parses one AdmissionReview body and reviews it with the
 * configuration the pool was started with. Runs only inside a piscina worker.
 */
import { workerData } from "piscina";
import { type ReviewConfig, type ReviewMode, type ReviewOutcome, review } from "./review.js";

export interface WorkerTask {
  text: string;
  mode: ReviewMode;
  bytes: number;
}

const config = (workerData as { config: ReviewConfig }).config;

export default function reviewInWorker(task: WorkerTask): ReviewOutcome {
  let body: unknown;
  try {
    body = JSON.parse(task.text);
  } catch (error) {
    return {
      refusal: { httpStatus: 400, message: `the body is not JSON: ${(error as Error).message}` },
      summary: { findings: 0, patchOperations: 0, denied: false },
    };
  }
  return review(body, task.mode, config, task.bytes);
}

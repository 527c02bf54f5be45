import type { TFunction } from "i18next";

/** Describes a run's attempt and its restarts. Attempt 0 means that no worker has begun the run, so it reads as not started. */
export function attemptText(t: TFunction, run: { attempt: number; restarts: number }): string {
  return run.attempt === 0
    ? t("training.notStarted")
    : t("training.attemptRestarts", { attempt: run.attempt, count: run.restarts });
}

import { Tag } from "antd";
import { useTranslation } from "react-i18next";

import type { TrainingRunStatus } from "../gql/graphql";

export const RUN_STATUSES: TrainingRunStatus[] = ["QUEUED", "RUNNING", "SUCCEEDED", "FAILED", "CANCELLED"];

const COLORS: Record<TrainingRunStatus, string> = {
  QUEUED: "gold",
  RUNNING: "blue",
  SUCCEEDED: "green",
  FAILED: "red",
  CANCELLED: "default",
};

/** Returns whether a run can still change: queued or running. */
export function isActive(status: TrainingRunStatus): boolean {
  return status === "QUEUED" || status === "RUNNING";
}

export function RunStatusTag({ status, cancelRequested = false }: { status: TrainingRunStatus; cancelRequested?: boolean }) {
  const { t } = useTranslation();
  return (
    <Tag color={COLORS[status]}>
      {cancelRequested && isActive(status) ? t("training.cancelling") : t(`training.statuses.${status}`)}
    </Tag>
  );
}

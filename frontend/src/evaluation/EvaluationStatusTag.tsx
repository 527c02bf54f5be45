import { Tag, Tooltip } from "antd";
import { useTranslation } from "react-i18next";

import type { EvaluationStatus } from "../gql/graphql";

const COLORS: Record<EvaluationStatus, string> = { PENDING: "gold", COMPLETED: "green", FAILED: "red" };

export function EvaluationStatusTag({ status, reason }: { status: EvaluationStatus; reason?: string | null }) {
  const { t } = useTranslation();
  const tag = <Tag color={COLORS[status]}>{t(`evaluation.statuses.${status}`)}</Tag>;
  return reason ? <Tooltip title={reason}>{tag}</Tooltip> : tag;
}

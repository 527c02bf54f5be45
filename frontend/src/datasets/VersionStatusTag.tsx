import { Tag } from "antd";
import { useTranslation } from "react-i18next";

import type { DatasetVersionStatus } from "../gql/graphql";

const COLORS: Record<DatasetVersionStatus, string> = {
  PROFILING: "processing",
  READY: "success",
  FAILED: "error",
};

export function VersionStatusTag({ status }: { status: DatasetVersionStatus }) {
  const { t } = useTranslation();
  return <Tag color={COLORS[status]}>{t(`datasets.status.${status}`)}</Tag>;
}

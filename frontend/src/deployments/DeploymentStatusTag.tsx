import { Tag, Tooltip } from "antd";
import { useTranslation } from "react-i18next";

import type { DeploymentStatus } from "../gql/graphql";

export const STATUS_COLORS: Record<DeploymentStatus, string> = {
  DEPLOYING: "processing",
  HEALTHY: "success",
  DEGRADED: "error",
  STOPPED: "default",
};

export function DeploymentStatusTag({ status, reason }: { status: DeploymentStatus; reason?: string | null }) {
  const { t } = useTranslation();
  const tag = <Tag color={STATUS_COLORS[status]}>{t(`deployments.status.${status}`)}</Tag>;
  return reason ? (
    <Tooltip title={reason}>
      <span>{tag}</span>
    </Tooltip>
  ) : (
    tag
  );
}

/** Writes the traffic split as text, such as "v1 90% · v2 10%", with `percent` formatting a share from 0 to 1. */
export function trafficText(traffic: { version: number; percent: number }[], percent: (share: number) => string): string {
  return traffic.map((entry) => `v${entry.version} ${percent(entry.percent / 100)}`).join(" · ");
}

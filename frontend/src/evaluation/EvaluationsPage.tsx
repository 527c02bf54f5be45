import { Select, Space, Typography } from "antd";
import { useId, useMemo } from "react";
import { useTranslation } from "react-i18next";
import { useSearchParams } from "react-router";

import { clearOption } from "../common/clearOption";
import { DocumentTitle } from "../common/DocumentTitle";
import type { EvaluationFilter, EvaluationStatus } from "../gql/graphql";
import { useCurrentTeam } from "../teams/TeamContext";
import { useTeamCatalog } from "../training/useTeamCatalog";
import { EvaluationList } from "./EvaluationList";
import { useEvaluations } from "./useEvaluations";

const STATUSES: EvaluationStatus[] = ["PENDING", "COMPLETED", "FAILED"];

/** Lists every evaluation of the team, filtered by model and status in the URL, to find and compare them. */
export function EvaluationsPage() {
  const { t } = useTranslation();
  const ids = useId();
  const team = useCurrentTeam();
  const catalog = useTeamCatalog(team.id);
  const [params, setParams] = useSearchParams();
  const modelId = params.get("model");
  const statusParam = params.get("status") ?? "";
  const statuses = STATUSES.filter((status) => statusParam.split(",").includes(status));
  const statusKey = statuses.join(",");
  const filter = useMemo<EvaluationFilter>(
    () => ({ modelId, status: statusKey === "" ? null : STATUSES.filter((status) => statusKey.split(",").includes(status)) }),
    [modelId, statusKey],
  );
  const evaluations = useEvaluations(team.id, filter);

  const setParam = (key: string, value: string | null) => {
    const next = new URLSearchParams(params);
    if (value === null || value === "") {
      next.delete(key);
    } else {
      next.set(key, value);
    }
    setParams(next);
  };

  return (
    <section aria-labelledby="evaluations-title" className="page">
      <DocumentTitle page={t("evaluation.title")} />
      <Typography.Title level={2} id="evaluations-title">
        {t("evaluation.title")}
      </Typography.Title>
      <Space wrap align="end" className="filters" role="search" aria-label={t("evaluation.filters")}>
        <div className="filter">
          <label htmlFor={`${ids}-model`}>{t("evaluation.columns.model")}</label>
          <Select
            id={`${ids}-model`}
            allowClear={clearOption(t)}
            showSearch={{ optionFilterProp: "label" }}
            value={modelId ?? undefined}
            onChange={(value: string | undefined) => setParam("model", value ?? null)}
            placeholder={t("training.anyModel")}
            options={catalog.models.map((model) => ({ value: model.id, label: model.name }))}
            style={{ width: 240 }}
          />
        </div>
        <div className="filter">
          <label htmlFor={`${ids}-status`}>{t("evaluation.columns.status")}</label>
          <Select<EvaluationStatus[]>
            id={`${ids}-status`}
            mode="multiple"
            allowClear={clearOption(t)}
            value={statuses}
            onChange={(value) => setParam("status", value.join(","))}
            placeholder={t("training.anyStatus")}
            options={STATUSES.map((status) => ({ value: status, label: t(`evaluation.statuses.${status}`) }))}
            style={{ minWidth: 220 }}
          />
        </div>
      </Space>
      <EvaluationList evaluations={evaluations} showModel />
    </section>
  );
}

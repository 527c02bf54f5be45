import { Col, Empty, Row, Typography } from "antd";
import { useCallback, useMemo } from "react";
import { useTranslation } from "react-i18next";

import { EChart } from "../charts/EChart";
import { useFormat } from "../i18n/format";
import { calibrationOption, curvesChartHeight, curvesOption, residualsOption } from "./curveOptions";
import type { Curve, Curves } from "./report";

/** Names a curve by its class and area, such as "1 (AUC 0.992)". */
export function useCurveName(): (curve: Curve, areaName: string, prefix?: string) => string {
  const { t } = useTranslation();
  const format = useFormat();
  return useCallback(
    (curve, areaName, prefix) =>
      t("evaluation.curves.curveName", {
        prefix: prefix ? `${prefix} · ` : "",
        className: curve.className,
        area: areaName,
        value: format.number(curve.area),
      }),
    [t, format],
  );
}

/** Draws the ROC, precision-recall and calibration curves of a classifier, or the residual histogram of a regression model. */
export function CurvesPanel({ curves }: { curves: Curves }) {
  const { t } = useTranslation();
  const curveName = useCurveName();

  const roc = useMemo(
    () =>
      curvesOption(
        curves.roc.map((curve) => ({ name: curveName(curve, "AUC"), points: curve.points })),
        { x: t("evaluation.curves.fpr"), y: t("evaluation.curves.tpr") },
        t("evaluation.curves.chance"),
      ),
    [curves.roc, curveName, t],
  );
  const pr = useMemo(
    () =>
      curvesOption(
        curves.pr.map((curve) => ({ name: curveName(curve, "AP"), points: curve.points })),
        { x: t("evaluation.curves.recall"), y: t("evaluation.curves.precision") },
        null,
      ),
    [curves.pr, curveName, t],
  );

  if (curves.residuals) {
    const residuals = residualsOption([{ name: t("evaluation.curves.residuals"), residuals: curves.residuals }], {
      x: t("evaluation.curves.residual"),
      y: t("evaluation.curves.rows"),
    });
    return (
      <section aria-label={t("evaluation.curves.residuals")}>
        <Typography.Title level={5}>{t("evaluation.curves.residuals")}</Typography.Title>
        <EChart option={residuals} label={t("evaluation.curves.residualsChart")} height={curvesChartHeight(residuals)} />
      </section>
    );
  }
  if (curves.roc.length === 0 && curves.pr.length === 0) {
    return <Empty description={t("evaluation.curves.none")} />;
  }

  const calibration =
    curves.calibration &&
    calibrationOption(curves.calibration, {
      x: t("evaluation.curves.meanPredicted"),
      y: t("evaluation.curves.fractionPositive"),
      model: t("evaluation.curves.ofClass", { className: curves.calibration.className }),
      ideal: t("evaluation.curves.perfectlyCalibrated"),
    });

  return (
    <Row gutter={[24, 24]}>
      <Col xs={24} xl={12}>
        <Typography.Title level={5}>{t("evaluation.curves.roc")}</Typography.Title>
        <EChart option={roc} label={t("evaluation.curves.rocChart")} height={curvesChartHeight(roc)} />
      </Col>
      <Col xs={24} xl={12}>
        <Typography.Title level={5}>{t("evaluation.curves.pr")}</Typography.Title>
        <EChart option={pr} label={t("evaluation.curves.prChart")} height={curvesChartHeight(pr)} />
      </Col>
      {calibration && (
        <Col xs={24} xl={12}>
          <Typography.Title level={5}>{t("evaluation.curves.calibration")}</Typography.Title>
          <EChart option={calibration} label={t("evaluation.curves.calibrationChart")} height={curvesChartHeight(calibration)} />
        </Col>
      )}
    </Row>
  );
}

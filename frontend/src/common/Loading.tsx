import { Spin } from "antd";
import { useTranslation } from "react-i18next";

/** Renders a centred spinner with a translated label that screen readers announce. */
export function Loading() {
  const { t } = useTranslation();

  return (
    <div className="loading" role="status" aria-live="polite">
      <Spin />
      <span className="loading-label">{t("common.loading")}</span>
    </div>
  );
}

import type { AriaLabelConfig } from "@xyflow/react";
import { useMemo } from "react";
import { useTranslation } from "react-i18next";

/**
 * Builds React Flow's accessible labels (zoom controls, keyboard help) in the page's language, because
 * React Flow's own defaults are English. `help` is read to keyboard users on a focused node or edge.
 */
export function useFlowAriaLabels(help: string): Partial<AriaLabelConfig> {
  const { t } = useTranslation();
  return useMemo<Partial<AriaLabelConfig>>(
    () => ({
      "node.a11yDescription.default": help,
      "node.a11yDescription.keyboardDisabled": help,
      "edge.a11yDescription.default": help,
      "controls.ariaLabel": t("flow.controls"),
      "controls.zoomIn.ariaLabel": t("flow.zoomIn"),
      "controls.zoomOut.ariaLabel": t("flow.zoomOut"),
      "controls.fitView.ariaLabel": t("flow.fitView"),
      "controls.interactive.ariaLabel": t("flow.interactive"),
      "handle.ariaLabel": t("flow.handle"),
    }),
    [help, t],
  );
}

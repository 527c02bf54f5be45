import { CloseCircleFilled } from "@ant-design/icons";
import type { TFunction } from "i18next";
import type { ReactNode } from "react";

/**
 * Builds a Select's `allowClear` value with a translated name for the clear button. `allowClear` alone
 * names it "Clear" in every language, and giving a label also needs the icon Ant Design shows by default.
 */
export function clearOption(t: TFunction): { clearIcon: ReactNode; label: string } {
  return { clearIcon: <CloseCircleFilled />, label: t("common.clear") };
}

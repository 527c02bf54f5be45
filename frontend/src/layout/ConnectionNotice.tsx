import { Alert } from "antd";
import { useTranslation } from "react-i18next";

import { useConnection } from "../api/ConnectionContext";

/** Says that live updates have stopped while the subscription socket is reconnecting. */
export function ConnectionNotice() {
  const { t } = useTranslation();
  const { online } = useConnection();
  return online ? null : (
    <Alert type="warning" showIcon role="status" className="page-notice" title={t("layout.connectionLost")} />
  );
}

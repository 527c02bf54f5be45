import { Typography } from "antd";
import { useTranslation } from "react-i18next";

import type { AuditEntryFieldsFragment } from "../gql/graphql";
import { useAuditText } from "./auditText";

/**
 * Shows what an audit entry records. The server writes its summary in English, so in another
 * language the entry's action is named in that language, with the server's summary (names,
 * numbers, reasons) beneath it. An action the catalogue lacks shows the server's summary alone.
 */
export function AuditSummary({ entry }: { entry: Pick<AuditEntryFieldsFragment, "action" | "summary"> }) {
  const { i18n } = useTranslation();
  const auditText = useAuditText();
  const action = auditText.action(entry.action);

  if (i18n.language === "en" || action === null) {
    return <span>{entry.summary}</span>;
  }
  return (
    <div>
      <div>{action}</div>
      <Typography.Text type="secondary" lang="en">
        {entry.summary}
      </Typography.Text>
    </div>
  );
}

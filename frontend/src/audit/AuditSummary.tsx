import { useTranslation } from "react-i18next";

import type { AuditEntryFieldsFragment } from "../gql/graphql";
import { useAuditText } from "./auditText";

type SummarizedEntry = Pick<AuditEntryFieldsFragment, "action" | "subjectType" | "subjectName" | "summary">;

/**
 * Shows what an audit entry records. The server writes its summary in English, so another
 * language gets a sentence built from the entry's action, subject type and subject name. An
 * action the catalogue lacks shows the server's summary, marked as English.
 */
export function AuditSummary({ entry }: { entry: SummarizedEntry }) {
  const { t, i18n } = useTranslation();
  const auditText = useAuditText();
  const action = auditText.action(entry.action);

  if (i18n.language === "en") {
    return <span>{entry.summary}</span>;
  }
  if (action === null) {
    return <span lang="en">{entry.summary}</span>;
  }
  const subjectType = auditText.subjectType(entry.subjectType);
  const sentence =
    entry.subjectName === null || entry.subjectName === undefined
      ? t("audit.sentence", { action, subjectType })
      : t("audit.namedSentence", { action, subjectType, name: entry.subjectName });
  return <span>{sentence}</span>;
}

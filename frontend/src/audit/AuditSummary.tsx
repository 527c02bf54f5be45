import { useTranslation } from "react-i18next";

import type { AuditEntryFieldsFragment } from "../gql/graphql";
import { useAuditSentence } from "./auditSentence";
import { useAuditText } from "./auditText";

type SummarizedEntry = Pick<AuditEntryFieldsFragment, "action" | "subjectType" | "subjectName" | "summary" | "summaryParameters">;

/**
 * Shows what an audit entry records. The server writes its summary in English, so another
 * language gets the action's sentence filled from the entry's summary parameters. An entry whose
 * parameters lack a value the sentence needs gets a shorter sentence from its action, subject type
 * and subject name. An action the catalogue lacks shows the server's summary, marked as English.
 */
export function AuditSummary({ entry }: { entry: SummarizedEntry }) {
  const { t, i18n } = useTranslation();
  const auditText = useAuditText();
  const writeSentence = useAuditSentence();
  const action = auditText.action(entry.action);

  if (i18n.language === "en") {
    return <span>{entry.summary}</span>;
  }
  if (action === null) {
    return <span lang="en">{entry.summary}</span>;
  }
  const sentence = writeSentence(entry.action, entry.summaryParameters);
  if (sentence !== null) {
    return <span>{sentence}</span>;
  }
  const subjectType = auditText.subjectType(entry.subjectType);
  const shortSentence =
    entry.subjectName === null || entry.subjectName === undefined
      ? t("audit.sentence", { action, subjectType })
      : t("audit.namedSentence", { action, subjectType, name: entry.subjectName });
  return <span>{shortSentence}</span>;
}

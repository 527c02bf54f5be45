import { useCallback, useMemo } from "react";
import { useTranslation } from "react-i18next";

import { auditActionsEn, auditSubjectTypesEn } from "../i18n/auditActions.en";

type Actions = typeof auditActionsEn;
type Aggregate = keyof Actions;
/** An audit action the catalogue names, such as "Dataset.Archived". */
type KnownAction = { [A in Aggregate]: `${A}.${keyof Actions[A] & string}` }[Aggregate];
type SubjectType = keyof typeof auditSubjectTypesEn;

function isAggregate(name: string): name is Aggregate {
  return Object.hasOwn(auditActionsEn, name);
}

function isKnownAction(action: string): action is KnownAction {
  const [aggregate = "", event = "", ...rest] = action.split(".");
  return rest.length === 0 && isAggregate(aggregate) && Object.hasOwn(auditActionsEn[aggregate], event);
}

function isKnownSubjectType(name: string): name is SubjectType {
  return Object.hasOwn(auditSubjectTypesEn, name);
}

export interface AuditText {
  /** The action's name in the active language, such as "Dataset archived", or null for an action the catalogue lacks. */
  action: (action: string) => string | null;
  /** The subject type's name in the active language. An unknown type keeps the server's name. */
  subjectType: (subjectType: string) => string;
}

/** Returns the translators of the audit log's structured fields: its actions and subject types. */
export function useAuditText(): AuditText {
  const { t } = useTranslation();

  const action = useCallback(
    (name: string) => {
      return isKnownAction(name) ? t(`auditActions.${name}`) : null;
    },
    [t],
  );

  const subjectType = useCallback(
    (name: string) => {
      return isKnownSubjectType(name) ? t(`auditSubjectTypes.${name}`) : name;
    },
    [t],
  );

  return useMemo(() => ({ action, subjectType }), [action, subjectType]);
}

import type { AlertFieldsFragment } from "../gql/graphql";
import { useAlertSentence } from "./useAlertSentence";

/** Renders an incident's message in the active language, including why an incident ended early. */
export function AlertSentence({ alert, className }: { alert: AlertFieldsFragment; className?: string }) {
  const sentence = useAlertSentence();
  const ended = alert.state === "RESOLVED" || alert.state === "CLEARED";
  return <span className={className}>{sentence(alert, alert.value, ended)}</span>;
}

import type { AlertFieldsFragment } from "../gql/graphql";
import { useAlertSentence } from "./useAlertSentence";

/**
 * Renders an incident's message in the active language. An ended incident keeps the server's message
 * as its title, because that message also names why an incident ended early, such as a deleted rule.
 */
export function AlertSentence({ alert, className }: { alert: AlertFieldsFragment; className?: string }) {
  const sentence = useAlertSentence();
  const ended = alert.state === "RESOLVED" || alert.state === "CLEARED";
  return (
    <span className={className} title={ended ? alert.message : undefined}>
      {sentence(alert, alert.value, ended)}
    </span>
  );
}

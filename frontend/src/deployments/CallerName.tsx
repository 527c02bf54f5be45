import { Typography } from "antd";
import { useTranslation } from "react-i18next";

import type { CallerFieldsFragment } from "../gql/graphql";

export const SYSTEM_CALLER = "system";

/**
 * Names who called a deployment: an API token by its name and prefix, with its owner beneath,
 * or a signed-in user by username. An id that names neither is shown as it is.
 */
export function CallerName({ caller }: { caller: CallerFieldsFragment }) {
  const { t } = useTranslation();

  if (caller.token) {
    return (
      <div className="caller-name">
        <div>{t("callers.token", { name: caller.token.name, prefix: caller.token.prefix })}</div>
        {caller.username && (
          <Typography.Text type="secondary" className="caller-owner">
            {t("callers.tokenOwner", { user: caller.username })}
          </Typography.Text>
        )}
      </div>
    );
  }
  if (caller.caller === SYSTEM_CALLER) {
    return <>{t("callers.system")}</>;
  }
  return <>{caller.username ?? caller.caller}</>;
}

import { Tabs, Typography } from "antd";
import { useTranslation } from "react-i18next";

import { DocumentTitle } from "../common/DocumentTitle";
import { MembersPanel } from "./MembersPanel";
import { useCurrentTeam } from "./TeamContext";
import { TokensPanel } from "./TokensPanel";

/** Shows the members and API tokens of the current team. */
export function AccessPage() {
  const { t } = useTranslation();
  const team = useCurrentTeam();

  return (
    <section aria-labelledby="access-title" className="page">
      <DocumentTitle page={t("access.title", { team: team.name })} />
      <Typography.Title level={2} id="access-title">
        {t("access.title", { team: team.name })}
      </Typography.Title>
      <Tabs
        items={[
          { key: "members", label: t("access.members"), children: <MembersPanel /> },
          { key: "tokens", label: t("access.tokens"), children: <TokensPanel /> },
        ]}
      />
    </section>
  );
}

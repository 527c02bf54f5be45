import { Button, Layout, Menu, Space, Typography } from "antd";
import { lazy, Suspense } from "react";
import type { ReactNode } from "react";
import { useTranslation } from "react-i18next";
import { Link, Outlet, useLocation, useMatch } from "react-router";

import { Loading } from "../common/Loading";
import { useSession, useViewer } from "../session/SessionContext";
import { ConnectionNotice } from "./ConnectionNotice";
import { LanguageSwitch } from "./LanguageSwitch";
import { PageErrorBoundary } from "./PageErrorBoundary";
import { TeamSwitcher } from "./TeamSwitcher";

// The bell loads apart from the first bundle, so its feed's components are fetched only when the header shows it.
const NotificationBell = lazy(() =>
  import("../monitoring/NotificationBell").then((module) => ({ default: module.NotificationBell })),
);

export const SECTIONS = [
  "models",
  "datasets",
  "configs",
  "training",
  "evaluations",
  "deployments",
  "monitoring",
  "alerts",
  "audit",
  "access",
] as const;
export type Section = (typeof SECTIONS)[number];

export function sectionOf(pathname: string): Section {
  const segment = pathname.split("/")[3];
  return SECTIONS.find((section) => section === segment) ?? "models";
}

/**
 * Renders the frame of every signed-in page: team switcher, navigation, language and the viewer. The page
 * is `children` when given, else the matched child route.
 */
export function AppShell({ children }: { children?: ReactNode }) {
  const { t } = useTranslation();
  const viewer = useViewer();
  const { signOut } = useSession();
  const location = useLocation();
  const teamMatch = useMatch("/teams/:teamId/*");
  const teamId = teamMatch?.params.teamId ?? null;
  const section = sectionOf(location.pathname);

  // In the order of the work: data and models, training and evaluation, serving, then the team's records.
  // A window too narrow for all of them shows the last ones under the menu's overflow item.
  const items = teamId
    ? [
        { key: "models", label: <Link to={`/teams/${teamId}/models`}>{t("nav.models")}</Link> },
        { key: "datasets", label: <Link to={`/teams/${teamId}/datasets`}>{t("datasets.title")}</Link> },
        { key: "configs", label: <Link to={`/teams/${teamId}/configs`}>{t("configs.title")}</Link> },
        { key: "training", label: <Link to={`/teams/${teamId}/training`}>{t("training.nav")}</Link> },
        { key: "evaluations", label: <Link to={`/teams/${teamId}/evaluations`}>{t("evaluation.nav")}</Link> },
        { key: "deployments", label: <Link to={`/teams/${teamId}/deployments`}>{t("deployments.title")}</Link> },
        { key: "monitoring", label: <Link to={`/teams/${teamId}/monitoring`}>{t("wall.nav")}</Link> },
        { key: "alerts", label: <Link to={`/teams/${teamId}/alerts`}>{t("alerts.title")}</Link> },
        { key: "audit", label: <Link to={`/teams/${teamId}/audit`}>{t("nav.audit")}</Link> },
        { key: "access", label: <Link to={`/teams/${teamId}/access`}>{t("nav.access")}</Link> },
      ]
    : [];

  // The sections get a row of their own below the team and user controls, because ten of them
  // beside those controls did not fit a 1440 px window and half went under the overflow item.
  return (
    <Layout className="app-shell">
      <Layout.Header className="app-header">
        <div className="app-header-bar">
          <Link to="/" className="app-brand">
            ModelCloud
          </Link>
          <TeamSwitcher teamId={teamId} section={section} />
          <Space className="app-user">
            {teamId && (
              <Suspense fallback={null}>
                <NotificationBell teamId={teamId} />
              </Suspense>
            )}
            <LanguageSwitch />
            <Typography.Text className="app-username">{viewer.user.displayName || viewer.user.username}</Typography.Text>
            <Button onClick={() => void signOut()}>{t("layout.signOut")}</Button>
          </Space>
        </div>
        {teamId && (
          <nav aria-label={t("nav.label")} className="app-nav">
            <Menu mode="horizontal" theme="dark" selectedKeys={[section]} items={items} />
          </nav>
        )}
      </Layout.Header>
      <Layout.Content className="app-content">
        <main>
          <ConnectionNotice />
          <PageErrorBoundary resetKey={location.pathname}>
            <Suspense fallback={<Loading />}>{children ?? <Outlet />}</Suspense>
          </PageErrorBoundary>
        </main>
      </Layout.Content>
    </Layout>
  );
}

import { BellOutlined } from "@ant-design/icons";
import { Badge, Button, Empty, Popover, Space, Tag, Typography } from "antd";
import { useCallback, useEffect, useMemo, useState } from "react";
import { useTranslation } from "react-i18next";
import { Link } from "react-router";
import { useMutation, useQuery } from "urql";
import type { CombinedError } from "urql";

import { ErrorDisplay } from "../common/ErrorDisplay";
import { useLiveSubjects } from "../common/useLiveSubjects";
import type { NotificationAddedSubscription as NotificationMessage, NotificationFieldsFragment } from "../gql/graphql";
import { useFormat } from "../i18n/format";
import { useAlertSentence } from "./useAlertSentence";
import { MarkNotificationsReadMutation, NotificationAddedSubscription, NotificationsQuery } from "./documents";
import "./monitoring.css";

/** Notifications the feed shows, newest first. */
export const FEED_LENGTH = 20;
const SEVERITY_COLORS = { CRITICAL: "red", WARNING: "orange", INFO: "blue" } as const;

/**
 * Shows the header's bell with the unread count of the team's in-app notifications and the newest
 * ones. `notificationAdded` keeps them current, and the open feed offers to mark them all read.
 */
export function NotificationBell({ teamId }: { teamId: string }) {
  const { t } = useTranslation();
  const [{ data, error }, reexecute] = useQuery({
    query: NotificationsQuery,
    variables: { teamId, first: FEED_LENGTH },
    requestPolicy: "network-only",
  });
  const [notifications, setNotifications] = useState<NotificationFieldsFragment[]>([]);
  const [unread, setUnread] = useState(0);
  const [markError, setMarkError] = useState<CombinedError | null>(null);
  const [{ fetching: marking }, markRead] = useMutation(MarkNotificationsReadMutation);

  useEffect(() => {
    if (data) {
      setNotifications(data.notifications.notifications.nodes);
      setUnread(data.notifications.unread);
    }
  }, [data]);

  const teamIds = useMemo(() => [teamId], [teamId]);
  useLiveSubjects(
    teamIds,
    NotificationAddedSubscription,
    (id) => ({ teamId: id }),
    useCallback((message: NotificationMessage) => {
      const added = message.notificationAdded;
      setNotifications((previous) =>
        previous.some((item) => item.position === added.position) ? previous : [added, ...previous].slice(0, FEED_LENGTH),
      );
      if (!added.read) {
        setUnread((count) => count + 1);
      }
    }, []),
  );

  const markAllRead = async () => {
    const newest = notifications[0];
    if (!newest) {
      return;
    }
    const result = await markRead({ teamId, upTo: newest.position });
    setMarkError(result.error ?? null);
    if (result.data) {
      setUnread(result.data.markNotificationsRead);
      setNotifications((previous) => previous.map((item) => (item.position <= newest.position ? { ...item, read: true } : item)));
    }
  };

  const label = t("notifications.label", { count: unread });
  const content = (
    <div className="notification-feed">
      {error && <ErrorDisplay error={error} onRetry={() => reexecute({ requestPolicy: "network-only" })} />}
      {markError && <ErrorDisplay error={markError} />}
      {notifications.length === 0 && !error ? (
        <Empty description={t("notifications.empty")} />
      ) : (
        <ul className="plain-list" aria-label={t("notifications.title")}>
          {notifications.map((item) => (
            <NotificationItem key={item.position} item={item} />
          ))}
        </ul>
      )}
      <Space className="notification-actions">
        <Button size="small" onClick={() => void markAllRead()} loading={marking} disabled={unread === 0}>
          {t("notifications.markAllRead")}
        </Button>
        <Link to={`/teams/${teamId}/alerts`}>{t("notifications.allAlerts")}</Link>
      </Space>
    </div>
  );

  return (
    <Popover content={content} title={t("notifications.title")} trigger="click" placement="bottomRight">
      <Button type="text" className="notification-bell" aria-label={label} title={label}>
        <Badge count={unread} size="small" overflowCount={99}>
          <BellOutlined className="notification-icon" />
        </Badge>
      </Button>
    </Popover>
  );
}

function NotificationItem({ item }: { item: NotificationFieldsFragment }) {
  const { t } = useTranslation();
  const format = useFormat();
  const sentence = useAlertSentence();
  return (
    <li className={item.read ? "notification read" : "notification unread"}>
      <Space wrap size={4}>
        <Tag color={SEVERITY_COLORS[item.severity]}>{t(`alerts.severity.${item.severity}`)}</Tag>
        <Typography.Text strong>
          {item.kind === "resolved" ? t("notifications.resolved") : t("notifications.firing")}
        </Typography.Text>
        <Typography.Text>{item.subjectName}</Typography.Text>
        {!item.read && <Tag color="blue">{t("notifications.unread")}</Tag>}
      </Space>
      <div>
        {sentence({ ...item.alert, subjectName: item.subjectName, message: item.message }, item.value, item.kind === "resolved")}
      </div>
      <Typography.Text type="secondary">{format.dateTime(item.createdAt)}</Typography.Text>
    </li>
  );
}

import { Button, Input, Popconfirm, Select, Space, Table, Typography } from "antd";
import type { TableColumnsType } from "antd";
import { useCallback, useId, useMemo, useState } from "react";
import { useTranslation } from "react-i18next";
import { useMutation, useQuery } from "urql";
import type { CombinedError } from "urql";

import { ErrorDisplay } from "../common/ErrorDisplay";
import { useRefetchOnEvents } from "../common/useRefetchOnEvents";
import { useFormat } from "../i18n/format";
import type { Role } from "../gql/graphql";
import { useViewer } from "../session/SessionContext";
import { AddMemberMutation, ChangeMemberRoleMutation, RemoveMemberMutation, UsersQuery } from "./documents";
import { useCurrentTeam } from "./TeamContext";
import { useTeamMembers } from "./useTeamMembers";
import type { Member } from "./useTeamMembers";

export const ROLES: Role[] = ["VIEWER", "EDITOR", "ADMIN"];
const USER_PAGE = 500;
/** The audit actions that add, change or remove a member. The subject of each is the team. */
export const MEMBER_ACTIONS = ["Team.MemberAdded", "Team.MemberRoleChanged", "Team.MemberRemoved"] as const;
/** The audit actions that add a user or erase one, which changes the users an administrator can add. */
export const USER_LIST_ACTIONS = ["User.Registered", "User.Erased"] as const;
// Users belong to no team, so the filter has no teamId. Only platform administrators see these entries.
const USER_EVENTS = { subjectType: "User" };

/** Lists the team's members; for an admin, also adds members, changes roles and removes members. */
export function MembersPanel() {
  const { t } = useTranslation();
  const format = useFormat();
  const team = useCurrentTeam();
  const { members, fetching, error: readError, reload } = useTeamMembers(team.id);
  const memberEvents = useMemo(() => ({ teamId: team.id, subjectType: "Team", subjectId: team.id }), [team.id]);
  useRefetchOnEvents(memberEvents, MEMBER_ACTIONS, reload);
  const [error, setError] = useState<CombinedError | null>(null);
  const [changed, changeRole] = useMutation(ChangeMemberRoleMutation);
  const [, removeMember] = useMutation(RemoveMemberMutation);

  const setRole = async (member: Member, role: Role) => {
    const result = await changeRole({ input: { teamId: team.id, userId: member.userId, role } });
    setError(result.error ?? null);
  };
  const remove = async (member: Member) => {
    const result = await removeMember({ input: { teamId: team.id, userId: member.userId } });
    setError(result.error ?? null);
  };

  const columns: TableColumnsType<Member> = [
    { title: t("members.username"), key: "username", render: (_, member) => member.user?.username ?? member.userId },
    { title: t("members.displayName"), key: "displayName", render: (_, member) => member.user?.displayName ?? "" },
    {
      title: t("members.role"),
      key: "role",
      render: (_, member) =>
        team.canAdminister ? (
          <Select<Role>
            aria-label={t("members.roleOf", { username: member.user?.username ?? member.userId })}
            value={member.role}
            onChange={(role) => void setRole(member, role)}
            disabled={changed.fetching}
            options={ROLES.map((role) => ({ value: role, label: t(`roles.${role}`) }))}
            style={{ width: 130 }}
          />
        ) : (
          t(`roles.${member.role}`)
        ),
    },
    { title: t("members.addedAt"), key: "addedAt", render: (_, member) => format.dateTime(member.addedAt) },
  ];
  if (team.canAdminister) {
    columns.push({
      title: t("common.actions"),
      key: "actions",
      render: (_, member) => (
        <Popconfirm
          title={t("members.removeConfirm", { username: member.user?.username ?? member.userId })}
          okText={t("common.remove")}
          cancelText={t("common.cancel")}
          onConfirm={() => remove(member)}
        >
          <Button danger size="small">
            {t("common.remove")}
          </Button>
        </Popconfirm>
      ),
    });
  }

  return (
    <div>
      {readError && <ErrorDisplay error={readError} />}
      <Table<Member>
        rowKey="userId"
        size="small"
        columns={columns}
        dataSource={members}
        loading={fetching}
        pagination={false}
        locale={{ emptyText: t("members.empty") }}
      />
      {team.canAdminister && <AddMemberForm onResult={setError} />}
      {error && <ErrorDisplay error={error} />}
    </div>
  );
}

function AddMemberForm({ onResult }: { onResult: (error: CombinedError | null) => void }) {
  const { t } = useTranslation();
  const ids = useId();
  const team = useCurrentTeam();
  const viewer = useViewer();
  const [userId, setUserId] = useState("");
  const [role, setRole] = useState<Role>("VIEWER");
  const [added, addMember] = useMutation(AddMemberMutation);

  const submit = async () => {
    if (userId.trim() === "") {
      return;
    }
    const result = await addMember({ input: { teamId: team.id, userId: userId.trim(), role } });
    onResult(result.error ?? null);
    if (!result.error) {
      setUserId("");
    }
  };

  return (
    <form
      className="inline-form"
      aria-labelledby={`${ids}-title`}
      onSubmit={(event) => {
        event.preventDefault();
        void submit();
      }}
    >
      <Typography.Title level={4} id={`${ids}-title`}>
        {t("members.addTitle")}
      </Typography.Title>
      <Space wrap align="end">
        <div className="filter">
          <label htmlFor={`${ids}-user`}>{viewer.user.isAdmin ? t("members.user") : t("members.userId")}</label>
          {/* Only platform administrators may list users; a team admin types the new member's user id. */}
          {viewer.user.isAdmin ? (
            <UserSelect id={`${ids}-user`} value={userId} onChange={setUserId} />
          ) : (
            <Input id={`${ids}-user`} value={userId} onChange={(event) => setUserId(event.target.value)} style={{ width: 320 }} />
          )}
        </div>
        <div className="filter">
          <label htmlFor={`${ids}-role`}>{t("members.role")}</label>
          <Select<Role>
            id={`${ids}-role`}
            value={role}
            onChange={setRole}
            options={ROLES.map((choice) => ({ value: choice, label: t(`roles.${choice}`) }))}
            style={{ width: 130 }}
          />
        </div>
        <Button type="primary" htmlType="submit" loading={added.fetching} disabled={userId.trim() === ""}>
          {t("members.add")}
        </Button>
      </Space>
    </form>
  );
}

/** Renders a select of every user who is not erased, read again when a user is registered or erased. */
function UserSelect({ id, value, onChange }: { id: string; value: string; onChange: (userId: string) => void }) {
  const { t } = useTranslation();
  const [{ data: users, fetching }, reexecute] = useQuery({ query: UsersQuery, variables: { first: USER_PAGE } });
  const reload = useCallback(() => reexecute({ requestPolicy: "network-only" }), [reexecute]);
  useRefetchOnEvents(USER_EVENTS, USER_LIST_ACTIONS, reload);

  const userOptions = (users?.users.nodes ?? [])
    .filter((user) => !user.erased)
    .map((user) => ({ value: user.id, label: user.displayName ? `${user.username} (${user.displayName})` : user.username }));

  return (
    <Select<string>
      id={id}
      value={value || undefined}
      onChange={onChange}
      loading={fetching}
      showSearch={{ optionFilterProp: "label" }}
      options={userOptions}
      placeholder={t("members.chooseUser")}
      style={{ width: 260 }}
    />
  );
}

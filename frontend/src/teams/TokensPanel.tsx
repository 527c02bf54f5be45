import { Alert, Button, Checkbox, DatePicker, Input, Modal, Popconfirm, Space, Table, Tag, Typography } from "antd";
import type { TableColumnsType } from "antd";
import type { Dayjs } from "dayjs";
import { useCallback, useId, useMemo, useState } from "react";
import { useTranslation } from "react-i18next";
import { useMutation, useQuery } from "urql";
import type { CombinedError } from "urql";

import { ErrorDisplay } from "../common/ErrorDisplay";
import { useRefetchOnEvents } from "../common/useRefetchOnEvents";
import { useFormat } from "../i18n/format";
import type { Scope, TeamTokensQuery as TeamTokensResult } from "../gql/graphql";
import { CreateApiTokenMutation, RevokeApiTokenMutation, TeamTokensQuery } from "./documents";
import { useCurrentTeam } from "./TeamContext";

export const SCOPES: Scope[] = ["READ", "WRITE", "PREDICT", "ADMIN"];
// NOTE: only the first 500 tokens of the team are read and listed.
const TOKEN_PAGE = 500;
/** The audit actions that issue or revoke a token. */
export const TOKEN_ACTIONS = ["ApiToken.Issued", "ApiToken.Revoked"] as const;

type TokenRow = TeamTokensResult["team"]["apiTokens"]["nodes"][number];

/** Lists the team's API tokens (all of them for an admin, the viewer's own otherwise), creates one and shows its secret once, or revokes one. */
export function TokensPanel() {
  const { t } = useTranslation();
  const format = useFormat();
  const team = useCurrentTeam();
  const [{ data, fetching, error: readError }, reexecute] = useQuery({
    query: TeamTokensQuery,
    variables: { id: team.id, first: TOKEN_PAGE },
  });
  const tokenEvents = useMemo(() => ({ teamId: team.id, subjectType: "ApiToken" }), [team.id]);
  const reload = useCallback(() => reexecute({ requestPolicy: "network-only" }), [reexecute]);
  useRefetchOnEvents(tokenEvents, TOKEN_ACTIONS, reload);
  const [error, setError] = useState<CombinedError | null>(null);
  const [, revokeToken] = useMutation(RevokeApiTokenMutation);

  const revoke = async (token: TokenRow) => {
    const result = await revokeToken({ id: token.id });
    setError(result.error ?? null);
  };

  const columns: TableColumnsType<TokenRow> = [
    { title: t("tokens.name"), dataIndex: "name", key: "name" },
    {
      title: t("tokens.prefix"),
      key: "prefix",
      render: (_, token) => <Typography.Text code>{`${token.prefix}…`}</Typography.Text>,
    },
    { title: t("tokens.owner"), key: "owner", render: (_, token) => token.user?.username ?? "" },
    {
      title: t("tokens.scopes"),
      key: "scopes",
      render: (_, token) => token.scopes.map((scope) => <Tag key={scope}>{t(`scopes.${scope}`)}</Tag>),
    },
    { title: t("tokens.created"), key: "created", render: (_, token) => format.dateTime(token.createdAt) },
    {
      title: t("tokens.expires"),
      key: "expires",
      render: (_, token) => (token.expiresAt ? format.dateTime(token.expiresAt) : t("tokens.never")),
    },
    {
      title: t("tokens.status"),
      key: "status",
      render: (_, token) =>
        token.revokedAt ? (
          <Tag color="red">{t("tokens.revokedAt", { moment: format.dateTime(token.revokedAt) })}</Tag>
        ) : (
          <Tag color="green">{t("tokens.active")}</Tag>
        ),
    },
    {
      title: t("common.actions"),
      key: "actions",
      render: (_, token) =>
        token.revokedAt ? null : (
          <Popconfirm
            title={t("tokens.revokeConfirm", { name: token.name })}
            okText={t("tokens.revoke")}
            cancelText={t("common.cancel")}
            onConfirm={() => revoke(token)}
          >
            <Button danger size="small">
              {t("tokens.revoke")}
            </Button>
          </Popconfirm>
        ),
    },
  ];

  return (
    <div>
      {readError && <ErrorDisplay error={readError} />}
      <Table<TokenRow>
        rowKey="id"
        size="small"
        columns={columns}
        dataSource={data?.team.apiTokens.nodes ?? []}
        loading={fetching}
        pagination={false}
        locale={{ emptyText: t("tokens.empty") }}
      />
      <CreateTokenForm />
      {error && <ErrorDisplay error={error} />}
    </div>
  );
}

function CreateTokenForm() {
  const { t } = useTranslation();
  const ids = useId();
  const team = useCurrentTeam();
  const [name, setName] = useState("");
  const [scopes, setScopes] = useState<Scope[]>(["READ"]);
  const [expiresAt, setExpiresAt] = useState<Dayjs | null>(null);
  const [secret, setSecret] = useState<string | null>(null);
  const [created, createToken] = useMutation(CreateApiTokenMutation);

  const submit = async () => {
    const result = await createToken({
      input: { teamId: team.id, name: name.trim(), scopes, expiresAt: expiresAt ? expiresAt.toISOString() : null },
    });
    if (result.data) {
      setSecret(result.data.createApiToken.secret);
      setName("");
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
        {t("tokens.createTitle")}
      </Typography.Title>
      <Space wrap align="end">
        <div className="filter">
          <label htmlFor={`${ids}-name`}>{t("tokens.name")}</label>
          <Input id={`${ids}-name`} value={name} onChange={(event) => setName(event.target.value)} style={{ width: 200 }} />
        </div>
        <fieldset className="filter scopes">
          <legend>{t("tokens.scopes")}</legend>
          <Checkbox.Group<Scope>
            value={scopes}
            onChange={setScopes}
            options={SCOPES.map((scope) => ({ value: scope, label: t(`scopes.${scope}`) }))}
          />
        </fieldset>
        <div className="filter">
          <label htmlFor={`${ids}-expires`}>{t("tokens.expires")}</label>
          <DatePicker id={`${ids}-expires`} showTime value={expiresAt} onChange={setExpiresAt} placeholder={t("tokens.never")} />
        </div>
        <Button type="primary" htmlType="submit" loading={created.fetching} disabled={name.trim() === "" || scopes.length === 0}>
          {t("tokens.create")}
        </Button>
      </Space>
      {created.error && <ErrorDisplay error={created.error} />}
      <Modal
        open={secret !== null}
        title={t("tokens.secretTitle")}
        onOk={() => setSecret(null)}
        onCancel={() => setSecret(null)}
        okText={t("tokens.secretDone")}
        cancelButtonProps={{ style: { display: "none" } }}
      >
        <Alert type="warning" showIcon title={t("tokens.secretOnce")} />
        <Typography.Paragraph className="token-secret">
          <Typography.Text code copyable>
            {secret ?? ""}
          </Typography.Text>
        </Typography.Paragraph>
      </Modal>
    </form>
  );
}

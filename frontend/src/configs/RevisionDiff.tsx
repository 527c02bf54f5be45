import { Select, Space, Table, Typography } from "antd";
import { useId } from "react";
import { useTranslation } from "react-i18next";
import { useQuery } from "urql";

import { ErrorDisplay } from "../common/ErrorDisplay";
import { ConfigDiffQuery } from "./documents";

interface RevisionDiffProps {
  profileId: string;
  latestRevision: number;
  a: number;
  b: number;
  onChange: (a: number, b: number) => void;
}

interface Change {
  path: string;
  a?: unknown;
  b?: unknown;
}

/** Shows the settings that differ between two revisions, read with `diff(a, b)`: each path with its two values. */
export function RevisionDiff({ profileId, latestRevision, a, b, onChange }: RevisionDiffProps) {
  const { t } = useTranslation();
  const ids = useId();
  const valid = a >= 1 && b >= 1 && a <= latestRevision && b <= latestRevision;
  const [{ data, fetching, error }, reexecute] = useQuery({
    query: ConfigDiffQuery,
    variables: { id: profileId, a, b },
    pause: !valid,
  });
  const numbers = Array.from({ length: latestRevision }, (_, index) => latestRevision - index);
  const options = numbers.map((number) => ({ value: number, label: t("configs.revisionNumber", { number }) }));
  const changes: Change[] = data?.configProfile.diff ?? [];

  return (
    <div>
      <Space wrap align="end" className="filters">
        <div className="filter">
          <label htmlFor={`${ids}-a`}>{t("configDiff.a")}</label>
          <Select<number>
            id={`${ids}-a`}
            value={a}
            onChange={(next) => onChange(next, b)}
            options={options}
            style={{ width: 160 }}
          />
        </div>
        <div className="filter">
          <label htmlFor={`${ids}-b`}>{t("configDiff.b")}</label>
          <Select<number>
            id={`${ids}-b`}
            value={b}
            onChange={(next) => onChange(a, next)}
            options={options}
            style={{ width: 160 }}
          />
        </div>
      </Space>
      {latestRevision < 2 && <Typography.Paragraph type="secondary">{t("configDiff.single")}</Typography.Paragraph>}
      {error && <ErrorDisplay error={error} onRetry={() => reexecute({ requestPolicy: "network-only" })} />}
      <Table<Change>
        rowKey="path"
        size="small"
        loading={fetching}
        dataSource={changes}
        pagination={false}
        locale={{ emptyText: a === b ? t("configDiff.same") : t("configDiff.none") }}
        columns={[
          { title: t("configDiff.path"), key: "path", render: (_, change) => <code>{change.path}</code> },
          {
            title: t("configDiff.valueA", { number: a }),
            key: "a",
            render: (_, change) => <code className="diff-removed">{shownValue(change.a)}</code>,
          },
          {
            title: t("configDiff.valueB", { number: b }),
            key: "b",
            render: (_, change) => <code className="diff-added">{shownValue(change.b)}</code>,
          },
        ]}
      />
    </div>
  );
}

function shownValue(value: unknown): string {
  return value === undefined ? "—" : JSON.stringify(value);
}

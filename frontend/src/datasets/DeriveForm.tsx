import { Alert, Button, Card, Checkbox, Select, Space, Typography } from "antd";
import { ArrowDownOutlined, ArrowUpOutlined, DeleteOutlined } from "@ant-design/icons";
import { useId, useMemo, useState } from "react";
import { useTranslation } from "react-i18next";
import { useNavigate } from "react-router";
import { useMutation } from "urql";
import type { CombinedError } from "urql";

import { problemsOf } from "../api/errors";
import { ErrorDisplay } from "../common/ErrorDisplay";
import type { DatasetVersionDetail } from "./DatasetVersionPage";
import { DeriveDatasetVersionMutation } from "./documents";
import { OperationFields } from "./OperationFields";
import { columnsAtEachStep, MAX_OPERATIONS, newDraft, OPERATION_KINDS, operationIndexOf, toOperations } from "./operations";
import type { OperationDraft, OperationKind } from "./operations";
import { draftProblems } from "./operationProblems";

/**
 * Builds a list of operations on this version and derives the dataset's next version from it.
 * Each operation is offered the columns as earlier ones left them; the server checks them again and
 * names the operation of the first error, which the form marks.
 */
export function DeriveForm({ teamId, version }: { teamId: string; version: DatasetVersionDetail }) {
  const { t } = useTranslation();
  const ids = useId();
  const navigate = useNavigate();
  const [drafts, setDrafts] = useState<OperationDraft[]>(() => [newDraft("split")]);
  const [kind, setKind] = useState<OperationKind>("dropMissing");
  const [allowDuplicate, setAllowDuplicate] = useState(false);
  const [error, setError] = useState<CombinedError | null>(null);
  const [{ fetching }, derive] = useMutation(DeriveDatasetVersionMutation);

  const columns = useMemo(() => version.columns.map((column) => ({ name: column.name, type: column.type })), [version.columns]);
  const steps = useMemo(() => columnsAtEachStep(columns, drafts), [columns, drafts]);
  const operations = useMemo(() => toOperations(columns, drafts), [columns, drafts]);
  const problems = drafts.map((draft) => draftProblems(draft));
  const failedIndex = error ? operationIndexOf(problemsOf(error)[0]?.field ?? null) : null;

  const change = (index: number, draft: OperationDraft) => setDrafts(drafts.map((other, at) => (at === index ? draft : other)));
  const move = (index: number, offset: number) => {
    const target = index + offset;
    if (target < 0 || target >= drafts.length) {
      return;
    }
    const next = [...drafts];
    [next[index], next[target]] = [next[target] as OperationDraft, next[index] as OperationDraft];
    setDrafts(next);
  };

  const submit = async () => {
    const result = await derive({ input: { parentId: version.id, operations, allowDuplicate } });
    setError(result.error ?? null);
    if (result.data) {
      const derived = result.data.deriveDatasetVersion;
      void navigate(`/teams/${teamId}/datasets/${derived.datasetId}/versions/${derived.id}`);
    }
  };

  const blocked = drafts.length === 0 || problems.some((list) => list.length > 0);

  return (
    <form
      className="derive-form"
      aria-label={t("derive.title")}
      onSubmit={(event) => {
        event.preventDefault();
        void submit();
      }}
    >
      <Typography.Paragraph type="secondary">{t("derive.intro")}</Typography.Paragraph>
      <ol className="operation-cards">
        {drafts.map((draft, index) => (
          <li key={draft.key}>
            <Card
              size="small"
              className={failedIndex === index ? "operation-card failed" : "operation-card"}
              title={t("derive.step", { index: index + 1, name: t(`derive.ops.${draft.op}`) })}
              extra={
                <Space>
                  <Button
                    size="small"
                    icon={<ArrowUpOutlined />}
                    aria-label={t("derive.moveUp", { index: index + 1 })}
                    disabled={index === 0}
                    onClick={() => move(index, -1)}
                  />
                  <Button
                    size="small"
                    icon={<ArrowDownOutlined />}
                    aria-label={t("derive.moveDown", { index: index + 1 })}
                    disabled={index === drafts.length - 1}
                    onClick={() => move(index, 1)}
                  />
                  <Button
                    size="small"
                    danger
                    icon={<DeleteOutlined />}
                    aria-label={t("derive.remove", { index: index + 1 })}
                    onClick={() => setDrafts(drafts.filter((_, at) => at !== index))}
                  />
                </Space>
              }
            >
              <OperationFields
                draft={draft}
                columns={steps[index] ?? []}
                label={version.label ?? null}
                onChange={(next) => change(index, next)}
              />
              {(problems[index] ?? []).map((problem) => (
                <Typography.Paragraph key={problem} type="danger" className="operation-problem">
                  {t(`derive.problems.${problem}`)}
                </Typography.Paragraph>
              ))}
            </Card>
          </li>
        ))}
      </ol>
      {drafts.length === 0 && <Alert type="info" showIcon title={t("derive.noOperations")} className="page-notice" />}
      <Space wrap align="end" className="derive-add">
        <div className="filter">
          <label htmlFor={`${ids}-kind`}>{t("derive.operation")}</label>
          <Select<OperationKind>
            id={`${ids}-kind`}
            value={kind}
            onChange={setKind}
            options={OPERATION_KINDS.map((op) => ({ value: op, label: t(`derive.ops.${op}`) }))}
            style={{ width: 220 }}
          />
        </div>
        <Button onClick={() => setDrafts([...drafts, newDraft(kind)])} disabled={drafts.length >= MAX_OPERATIONS}>
          {t("derive.add")}
        </Button>
      </Space>
      <details className="derive-json">
        <summary>{t("derive.json")}</summary>
        <pre>{JSON.stringify(operations, null, 2)}</pre>
      </details>
      <Space wrap>
        <Checkbox checked={allowDuplicate} onChange={(event) => setAllowDuplicate(event.target.checked)}>
          {t("derive.allowDuplicate")}
        </Checkbox>
        <Button type="primary" htmlType="submit" loading={fetching} disabled={blocked}>
          {t("derive.submit")}
        </Button>
      </Space>
      {error && <ErrorDisplay error={error} />}
    </form>
  );
}

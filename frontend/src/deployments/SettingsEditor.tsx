import { Button, Form, Space, Typography } from "antd";
import { useId, useMemo, useState } from "react";
import { useTranslation } from "react-i18next";
import { useMutation } from "urql";

import { ErrorDisplay } from "../common/ErrorDisplay";
import type { DeploymentFieldsFragment } from "../gql/graphql";
import { splitFieldErrors } from "../training/fieldErrors";
import { UpdateDeploymentMutation } from "./documents";
import { changedSettingsInput, invalidSettings, SettingsFields, settingsFieldOf, settingsOfConfig } from "./SettingsFields";

interface SettingsEditorProps {
  deployment: DeploymentFieldsFragment;
  /** Called with the revision that updateDeployment recorded. */
  onSaved: (revision: number) => void;
  onCancel: () => void;
}

/**
 * Edits the newest revision's scaling, CPUs per replica, batching and request-log sample, and
 * records the changed settings with updateDeployment. A stopped deployment cannot be changed.
 */
export function SettingsEditor({ deployment, onSaved, onCancel }: SettingsEditorProps) {
  const { t } = useTranslation();
  const ids = useId();
  const current = useMemo(() => settingsOfConfig(deployment.config), [deployment.config]);
  // Changes are taken against the values the editing began from, not the live config, so a setting
  // that someone else changed meanwhile and this user left alone is not sent back with its old value.
  const [started] = useState(current);
  const [values, setValues] = useState(current);
  const changedMeanwhile = JSON.stringify(current) !== JSON.stringify(started);
  const [{ fetching, error }, update] = useMutation(UpdateDeploymentMutation);
  const errors = splitFieldErrors(error, settingsFieldOf);

  const input = changedSettingsInput(values, started);
  const changed = Object.keys(input).length > 0;
  const complete = Object.values(values).every((value) => value !== null);
  const stopped = deployment.status === "STOPPED";

  const save = async () => {
    const result = await update({ id: deployment.id, input });
    const saved = result.data?.updateDeployment;
    if (saved) {
      onSaved(saved.revision);
    }
  };

  return (
    <Form layout="vertical" className="settings-editor" aria-labelledby={`${ids}-title`} onFinish={() => void save()}>
      <Typography.Title level={5} id={`${ids}-title`}>
        {t("deploymentSettings.editTitle")}
      </Typography.Title>
      {stopped && <Typography.Paragraph type="warning">{t("deploymentSettings.stopped")}</Typography.Paragraph>}
      {changedMeanwhile && (
        <Typography.Paragraph type="warning" role="status">
          {t("deploymentSettings.changedMeanwhile", { revision: deployment.revision })}
        </Typography.Paragraph>
      )}
      {errors.rest && <ErrorDisplay error={errors.rest} />}
      <SettingsFields
        idPrefix={ids}
        values={values}
        onChange={setValues}
        problems={errors.byField}
        mode="edit"
        disabled={stopped}
      />
      <Space wrap>
        <Button
          type="primary"
          htmlType="submit"
          loading={fetching}
          disabled={stopped || !changed || !complete || invalidSettings(values)}
        >
          {t("deploymentSettings.save")}
        </Button>
        <Button onClick={onCancel}>{t("common.cancel")}</Button>
        {!changed && <Typography.Text type="secondary">{t("deploymentSettings.unchanged")}</Typography.Text>}
      </Space>
    </Form>
  );
}

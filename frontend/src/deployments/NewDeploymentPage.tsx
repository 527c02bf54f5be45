import { Alert, Button, Form, Input, Radio, Select, Space, Typography } from "antd";
import { useId, useState } from "react";
import { useTranslation } from "react-i18next";
import { Link, useNavigate, useSearchParams } from "react-router";
import { useMutation, useQuery } from "urql";

import { DocumentTitle } from "../common/DocumentTitle";
import { ErrorDisplay } from "../common/ErrorDisplay";
import { useCurrentTeam } from "../teams/TeamContext";
import { FieldProblems, splitFieldErrors } from "../training/fieldErrors";
import { MODEL_VERSION_PAGE } from "./DeploymentOverview";
import { CreateDeploymentMutation, DeployModelChoicesQuery, DeployModelVersionsQuery } from "./documents";
import { createSettingsInput, EMPTY_SETTINGS, invalidSettings, SettingsFields, settingsFieldOf } from "./SettingsFields";
import type { SettingsField, SettingsValues } from "./SettingsFields";
import { checkTraffic, TrafficRows } from "./TrafficRows";
import type { TrafficRow } from "./TrafficRows";
import "../common/blocks.css";
import "./deployments.css";

/** The models the model field offers. */
export const MODEL_CHOICES = 500;

// The rule of backend/domain/deployments.py DEPLOYMENT_NAME_PATTERN, checked here so a typo shows before sending.
const NAME_PATTERN = /^[a-z][a-z0-9-]{0,62}$/;
const MAX_NAME_LENGTH = 63;

type FormField = "model" | "name" | "traffic" | SettingsField;

/** Maps the field path of a createDeployment error to the form field that sets it, or null to show it above the form. */
export function deployFieldOf(path: string): FormField | null {
  if (path === "modelId") {
    return "model";
  }
  if (path === "name") {
    return "name";
  }
  // A default version that cannot be served is reported as traffic[0].version too, though no traffic was sent.
  if (path === "traffic" || path.startsWith("traffic[")) {
    return "traffic";
  }
  return settingsFieldOf(path);
}

/** Turns a model name into a valid deployment name: lowercase, other characters as '-', starting with a letter; "" when none is left. */
export function suggestDeploymentName(modelName: string): string {
  return modelName
    .toLowerCase()
    .replace(/[^a-z0-9-]+/g, "-")
    .replace(/-{2,}/g, "-")
    .replace(/^[^a-z]+/, "")
    .slice(0, MAX_NAME_LENGTH)
    .replace(/-+$/, "");
}

function versionOfParam(value: string | null): number | null {
  const number = value === null ? Number.NaN : Number(value);
  return Number.isInteger(number) && number >= 1 ? number : null;
}

/**
 * Renders the form that deploys a model: the model, a name, the versions to serve (the server's
 * default or a split in whole percents), and the scaling, CPU, batching and request-log settings,
 * where an empty field takes the server's default. `?model=ID&version=N` preselects the model and
 * a version. Server errors are shown on the fields they name, and a created deployment opens.
 */
export function NewDeploymentPage() {
  const { t } = useTranslation();
  const team = useCurrentTeam();
  const navigate = useNavigate();
  const ids = useId();
  const [params] = useSearchParams();
  const preselectedVersion = versionOfParam(params.get("version"));

  const [modelId, setModelId] = useState<string | null>(params.get("model"));
  const [name, setName] = useState("");
  const [nameEdited, setNameEdited] = useState(false);
  const [versionMode, setVersionMode] = useState<"default" | "split">(preselectedVersion === null ? "default" : "split");
  const [rows, setRows] = useState<TrafficRow[]>([{ version: preselectedVersion, percent: 100 }]);
  const [settings, setSettings] = useState<SettingsValues>(EMPTY_SETTINGS);
  const [created, create] = useMutation(CreateDeploymentMutation);

  const [{ data: models, fetching: modelsFetching, error: modelsError }] = useQuery({
    query: DeployModelChoicesQuery,
    variables: { teamId: team.id, first: MODEL_CHOICES },
  });
  const [{ data: chosen, fetching: versionsFetching, error: versionsError }] = useQuery({
    query: DeployModelVersionsQuery,
    variables: { id: modelId ?? "", first: MODEL_VERSION_PAGE },
    pause: modelId === null,
  });

  const modelRows = models?.models.nodes ?? [];
  const chosenModel = chosen?.model.id === modelId ? chosen.model : null;
  const modelName = modelRows.find((model) => model.id === modelId)?.name ?? chosenModel?.name ?? null;
  // A model from the query string that the list lacks (such as an archived one) still shows its name.
  const modelOptions = modelRows.map((model) => ({ value: model.id, label: model.name }));
  if (modelId !== null && modelName !== null && !modelRows.some((model) => model.id === modelId)) {
    modelOptions.push({ value: modelId, label: modelName });
  }
  const versions = chosenModel?.versions.nodes ?? [];
  const shownName = nameEdited ? name : suggestDeploymentName(modelName ?? "");
  const nameInvalid = shownName !== "" && !NAME_PATTERN.test(shownName);
  const traffic = checkTraffic(rows);
  const errors = splitFieldErrors(created.error, deployFieldOf);

  const submit = async () => {
    if (modelId === null) {
      return;
    }
    const result = await create({
      input: {
        modelId,
        name: shownName,
        traffic: versionMode === "default" ? null : rows.map((row) => ({ version: row.version as number, percent: row.percent })),
        ...createSettingsInput(settings),
      },
    });
    const deployment = result.data?.createDeployment;
    if (deployment) {
      void navigate(`/teams/${team.id}/deployments/${deployment.id}`);
    }
  };

  const fieldStatus = (field: FormField) => (errors.byField[field] ? "error" : undefined);
  const fieldHelp = (field: FormField) =>
    errors.byField[field] ? <FieldProblems problems={errors.byField[field]} /> : undefined;
  const nameHelp = nameInvalid ? <div role="alert">{t("deploy.nameInvalid", { value: shownName })}</div> : t("deploy.nameHelp");
  const ready =
    modelId !== null &&
    shownName !== "" &&
    !nameInvalid &&
    (versionMode === "default" || traffic.valid) &&
    !invalidSettings(settings);

  return (
    <section aria-labelledby="new-deployment-title" className="page">
      <Link to={`/teams/${team.id}/deployments`}>{t("deploy.backToDeployments")}</Link>
      <DocumentTitle page={t("deploy.title")} />
      <Typography.Title level={2} id="new-deployment-title">
        {t("deploy.title")}
      </Typography.Title>
      {modelsError && <ErrorDisplay error={modelsError} />}
      {versionsError && <ErrorDisplay error={versionsError} />}
      {errors.rest && <ErrorDisplay error={errors.rest} />}
      <Form layout="vertical" className="start-form" onFinish={() => void submit()} aria-labelledby="new-deployment-title">
        <Form.Item
          label={t("deploy.model")}
          htmlFor={`${ids}-model`}
          required
          validateStatus={fieldStatus("model")}
          help={fieldHelp("model")}
        >
          <Select
            id={`${ids}-model`}
            value={modelId ?? undefined}
            onChange={(value: string) => {
              setModelId(value);
              setRows([{ version: null, percent: 100 }]);
            }}
            loading={modelsFetching}
            placeholder={t("deploy.chooseModel")}
            showSearch={{ optionFilterProp: "label" }}
            options={modelOptions}
            // A model chosen by the query string has no option until its name is read; until then it
            // reads "Loading…" instead of its id.
            labelRender={({ value, label }) =>
              modelOptions.some((option) => option.value === value)
                ? label
                : modelsFetching || versionsFetching
                  ? t("common.loading")
                  : value
            }
          />
        </Form.Item>
        <Form.Item
          label={t("deploy.name")}
          htmlFor={`${ids}-name`}
          required
          validateStatus={nameInvalid || errors.byField.name ? "error" : undefined}
          help={fieldHelp("name") ?? nameHelp}
        >
          <Input
            id={`${ids}-name`}
            value={shownName}
            onChange={(event) => {
              setNameEdited(true);
              setName(event.target.value);
            }}
          />
        </Form.Item>
        <fieldset className="settings-group">
          <legend>{t("deploy.versions")}</legend>
          <Form.Item validateStatus={fieldStatus("traffic")} help={fieldHelp("traffic")}>
            <Space orientation="vertical">
              <Radio.Group value={versionMode} onChange={(event) => setVersionMode(event.target.value as "default" | "split")}>
                <Space orientation="vertical">
                  <Radio value="default">{t("deploy.defaultVersion")}</Radio>
                  <Radio value="split">{t("deploy.chooseVersions")}</Radio>
                </Space>
              </Radio.Group>
              {versionMode === "default" ? (
                <DefaultVersionHint model={chosenModel} />
              ) : (
                <TrafficRows rows={rows} onChange={setRows} versions={versions} disabled={modelId === null} />
              )}
            </Space>
          </Form.Item>
        </fieldset>
        <SettingsFields idPrefix={ids} values={settings} onChange={setSettings} problems={errors.byField} mode="create" />
        {team.viewerRole === "VIEWER" && <Alert type="warning" showIcon className="page-notice" title={t("deploy.viewer")} />}
        <Button type="primary" htmlType="submit" loading={created.fetching} disabled={!ready}>
          {t("deploy.submit")}
        </Button>
      </Form>
    </section>
  );
}

interface DefaultVersionModel {
  aliases: readonly { alias: string; versionNumber: number }[];
  versions: { nodes: readonly { number: number }[] };
}

/** Shows which version the server's default would serve now: the production alias's, or else the newest. */
function DefaultVersionHint({ model }: { model: DefaultVersionModel | null }) {
  const { t } = useTranslation();
  if (model === null) {
    return <Typography.Text type="secondary">{t("deploy.defaultHelp")}</Typography.Text>;
  }
  const production = model.aliases.find((alias) => alias.alias === "production");
  // NOTE: only the first MODEL_VERSION_PAGE versions are read, so a model with more names an older version here.
  const newest = Math.max(0, ...model.versions.nodes.map((version) => version.number));
  let hint: string;
  if (production) {
    hint = t("deploy.defaultIsProduction", { version: production.versionNumber });
  } else if (newest > 0) {
    hint = t("deploy.defaultIsNewest", { version: newest });
  } else {
    hint = t("deploy.noVersions");
  }
  return (
    <Typography.Text type="secondary">
      {hint} {t("deploy.defaultKept")}
    </Typography.Text>
  );
}

import { Alert, Button, Form, Input, Select, Typography } from "antd";
import { useState } from "react";
import { useTranslation } from "react-i18next";
import { Link, useNavigate, useSearchParams } from "react-router";
import { useMutation, useQuery } from "urql";

import { clearOption } from "../common/clearOption";
import { DocumentTitle } from "../common/DocumentTitle";
import { ErrorDisplay } from "../common/ErrorDisplay";
import { Loading } from "../common/Loading";
import { useFormat } from "../i18n/format";
import { useCurrentTeam } from "../teams/TeamContext";
import { splitNameList } from "../evaluation/splitName";
import { ConfigProfilesQuery, ConfigRevisionsQuery, ModelVersionChoicesQuery, StartTrainingRunMutation } from "./documents";
import { FieldProblems, splitFieldErrors } from "./fieldErrors";
import { useTeamCatalog } from "./useTeamCatalog";

type FormField = "model" | "dataset" | "datasetVersion" | "configProfile" | "configRevision" | "baseVersion" | "label" | "name";

/** Maps the field path of a startTrainingRun error to the form field that sets it. */
export function trainingFieldOf(path: string): FormField | null {
  if (path === "modelId") {
    return "model";
  }
  if (path === "datasetId") {
    return "dataset";
  }
  if (path === "datasetVersionId") {
    return "datasetVersion";
  }
  if (path === "configProfileId") {
    return "configProfile";
  }
  // Settings of the configuration that do not fit the data are reported by their path in the document.
  if (path === "configRevision" || path.startsWith("config.") || path.startsWith("document.")) {
    return "configRevision";
  }
  if (path === "baseModelVersionId") {
    return "baseVersion";
  }
  if (path === "label") {
    return "label";
  }
  if (path === "name") {
    return "name";
  }
  return null;
}

function templateOf(document: unknown): string | null {
  if (typeof document !== "object" || document === null) {
    return null;
  }
  const model = (document as { model?: unknown }).model;
  if (typeof model !== "object" || model === null) {
    return null;
  }
  const template = (model as { template?: unknown }).template;
  return typeof template === "string" ? template : null;
}

/**
 * Renders the form that starts a training run: the model whose next version it trains, a dataset
 * version, a configuration profile and revision, the label and a name. The server's errors
 * are shown on the fields they name.
 */
export function StartTrainingPage() {
  const { t } = useTranslation();
  const format = useFormat();
  const team = useCurrentTeam();
  const navigate = useNavigate();
  const [params] = useSearchParams();
  const catalog = useTeamCatalog(team.id);
  const [modelId, setModelId] = useState<string | null>(params.get("model"));
  const [datasetId, setDatasetId] = useState<string | null>(null);
  const [datasetVersionId, setDatasetVersionId] = useState<string | null>(null);
  const [profileId, setProfileId] = useState<string | null>(null);
  const [revision, setRevision] = useState<number | null>(null);
  const [baseVersionId, setBaseVersionId] = useState<string | null>(null);
  const [label, setLabel] = useState<string | null>(null);
  const [name, setName] = useState("");
  const [started, startRun] = useMutation(StartTrainingRunMutation);

  const [{ data: profiles, error: profilesError }] = useQuery({ query: ConfigProfilesQuery, variables: { teamId: team.id } });
  const [{ data: revisions }] = useQuery({
    query: ConfigRevisionsQuery,
    variables: { id: profileId ?? "" },
    pause: profileId === null,
  });
  const [{ data: modelVersions }] = useQuery({
    query: ModelVersionChoicesQuery,
    variables: { id: modelId ?? "" },
    pause: modelId === null,
  });

  const dataset = catalog.datasets.find((candidate) => candidate.id === datasetId) ?? null;
  const datasetVersion = dataset?.versions.nodes.find((version) => version.id === datasetVersionId) ?? null;
  const revisionRows = revisions?.configProfile.revisions.nodes ?? [];
  const chosenRevision =
    revision === null
      ? revisionRows.find((row) => row.number === revisions?.configProfile.latestRevisionNumber)
      : revisionRows.find((row) => row.number === revision);
  const template = chosenRevision ? templateOf(chosenRevision.document) : null;
  const fineTune = template === "fine_tune";
  const errors = splitFieldErrors(started.error, trainingFieldOf);

  const submit = async () => {
    if (modelId === null || datasetVersionId === null || profileId === null) {
      return;
    }
    const result = await startRun({
      input: {
        modelId,
        datasetVersionId,
        configProfileId: profileId,
        configRevision: revision,
        baseModelVersionId: fineTune ? baseVersionId : null,
        label,
        name: name.trim() === "" ? null : name.trim(),
      },
    });
    const run = result.data?.startTrainingRun;
    if (run) {
      void navigate(`/teams/${team.id}/training/${run.id}`);
    }
  };

  const fieldStatus = (field: FormField) => (errors.byField[field] ? "error" : undefined);
  const fieldHelp = (field: FormField) =>
    errors.byField[field] ? <FieldProblems problems={errors.byField[field]} /> : undefined;

  if (catalog.fetching && catalog.models.length === 0) {
    return <Loading />;
  }

  return (
    <section aria-labelledby="start-run-title" className="page">
      <Link to={`/teams/${team.id}/training`}>{t("training.backToRuns")}</Link>
      <DocumentTitle page={t("training.start.title")} />
      <Typography.Title level={2} id="start-run-title">
        {t("training.start.title")}
      </Typography.Title>
      {catalog.error && <ErrorDisplay error={catalog.error} />}
      {profilesError && <ErrorDisplay error={profilesError} />}
      {errors.rest && <ErrorDisplay error={errors.rest} />}
      <Form layout="vertical" className="start-form" onFinish={() => void submit()} aria-labelledby="start-run-title">
        <Form.Item
          label={t("training.start.model")}
          htmlFor="start-run-model"
          required
          validateStatus={fieldStatus("model")}
          help={fieldHelp("model")}
        >
          <Select
            id="start-run-model"
            value={modelId ?? undefined}
            onChange={(value: string) => {
              setModelId(value);
              setBaseVersionId(null);
            }}
            placeholder={t("training.start.chooseModel")}
            showSearch={{ optionFilterProp: "label" }}
            options={catalog.models.filter((model) => !model.archived).map((model) => ({ value: model.id, label: model.name }))}
          />
        </Form.Item>
        <Form.Item
          label={t("training.start.dataset")}
          htmlFor="start-run-dataset"
          required
          validateStatus={fieldStatus("dataset")}
          help={fieldHelp("dataset")}
        >
          <Select
            id="start-run-dataset"
            value={datasetId ?? undefined}
            onChange={(value: string) => {
              setDatasetId(value);
              setDatasetVersionId(null);
              setLabel(null);
            }}
            placeholder={t("training.start.chooseDataset")}
            showSearch={{ optionFilterProp: "label" }}
            options={catalog.datasets
              .filter((candidate) => !candidate.archived)
              .map((candidate) => ({ value: candidate.id, label: candidate.name }))}
          />
        </Form.Item>
        <Form.Item
          label={t("training.start.datasetVersion")}
          htmlFor="start-run-dataset-version"
          required
          validateStatus={fieldStatus("datasetVersion")}
          help={fieldHelp("datasetVersion") ?? t("training.start.datasetVersionHelp")}
        >
          <Select
            id="start-run-dataset-version"
            value={datasetVersionId ?? undefined}
            onChange={(value: string) => {
              setDatasetVersionId(value);
              setLabel(null);
            }}
            disabled={dataset === null}
            placeholder={t("training.start.chooseDatasetVersion")}
            options={(dataset?.versions.nodes ?? []).map((version) => ({
              value: version.id,
              disabled: version.status !== "READY",
              label: t("training.start.datasetVersionOption", {
                number: version.number,
                rows: format.number(version.rows),
                splits: splitNameList(version.splits, t) || t("training.start.noSplit"),
              }),
            }))}
          />
        </Form.Item>
        <Form.Item
          label={t("training.start.profile")}
          htmlFor="start-run-profile"
          required
          validateStatus={fieldStatus("configProfile")}
          help={fieldHelp("configProfile")}
        >
          <Select
            id="start-run-profile"
            value={profileId ?? undefined}
            onChange={(value: string) => {
              setProfileId(value);
              setRevision(null);
            }}
            placeholder={t("training.start.chooseProfile")}
            showSearch={{ optionFilterProp: "label" }}
            options={(profiles?.configProfiles.nodes ?? []).map((profile) => ({ value: profile.id, label: profile.name }))}
          />
        </Form.Item>
        <Form.Item
          label={t("training.start.revision")}
          htmlFor="start-run-revision"
          validateStatus={fieldStatus("configRevision")}
          help={fieldHelp("configRevision")}
        >
          <Select<number>
            id="start-run-revision"
            value={revision ?? 0}
            onChange={(value) => setRevision(value === 0 ? null : value)}
            disabled={profileId === null}
            options={[
              {
                value: 0,
                label: t("training.start.latestRevision", { number: revisions?.configProfile.latestRevisionNumber ?? "…" }),
              },
              ...revisionRows.map((row) => ({
                value: row.number,
                label: row.comment
                  ? t("training.start.revisionWithComment", { number: row.number, comment: row.comment })
                  : t("training.start.revisionOption", { number: row.number }),
              })),
            ]}
          />
        </Form.Item>
        {template !== null && (
          <Typography.Paragraph type="secondary">{t("training.start.template", { template })}</Typography.Paragraph>
        )}
        {fineTune && (
          <Form.Item
            label={t("training.start.baseVersion")}
            htmlFor="start-run-base"
            required
            validateStatus={fieldStatus("baseVersion")}
            help={fieldHelp("baseVersion") ?? t("training.start.baseVersionHelp")}
          >
            <Select
              id="start-run-base"
              value={baseVersionId ?? undefined}
              onChange={(value: string) => setBaseVersionId(value)}
              placeholder={t("training.start.chooseBaseVersion")}
              options={(modelVersions?.model.versions.nodes ?? []).map((version) => ({
                value: version.id,
                disabled: version.status !== "ready" || version.format !== "keras",
                label: t("training.versionNumber", { number: version.number }),
              }))}
            />
          </Form.Item>
        )}
        <Form.Item
          label={t("training.start.label")}
          htmlFor="start-run-label"
          validateStatus={fieldStatus("label")}
          help={fieldHelp("label")}
        >
          <Select
            id="start-run-label"
            allowClear={clearOption(t)}
            value={label ?? undefined}
            onChange={(value: string | undefined) => setLabel(value ?? null)}
            disabled={datasetVersion === null}
            placeholder={
              datasetVersion?.label
                ? t("training.start.datasetLabel", { label: datasetVersion.label })
                : t("training.start.chooseLabel")
            }
            showSearch={{ optionFilterProp: "label" }}
            options={(datasetVersion?.columns ?? [])
              .filter((column) => column.name !== "split")
              .map((column) => ({ value: column.name, label: column.name }))}
          />
        </Form.Item>
        <Form.Item
          label={t("training.start.name")}
          htmlFor="start-run-name"
          validateStatus={fieldStatus("name")}
          help={fieldHelp("name")}
        >
          <Input
            id="start-run-name"
            value={name}
            onChange={(event) => setName(event.target.value)}
            placeholder={t("training.start.namePlaceholder")}
          />
        </Form.Item>
        {team.viewerRole === "VIEWER" && (
          <Alert type="warning" showIcon className="page-notice" title={t("training.start.viewer")} />
        )}
        <Button
          type="primary"
          htmlType="submit"
          loading={started.fetching}
          disabled={modelId === null || datasetVersionId === null || profileId === null || (fineTune && baseVersionId === null)}
        >
          {t("training.start.submit")}
        </Button>
      </Form>
    </section>
  );
}

import { Button, Input, Space, Typography } from "antd";
import { useId, useMemo, useState } from "react";
import { useTranslation } from "react-i18next";
import { Link, useNavigate } from "react-router";
import { useMutation } from "urql";
import type { CombinedError } from "urql";

import { DocumentTitle } from "../common/DocumentTitle";
import { ErrorDisplay } from "../common/ErrorDisplay";
import { Loading } from "../common/Loading";
import { useCurrentTeam } from "../teams/TeamContext";
import { ConfigEditor } from "./ConfigEditor";
import type { EditedDocument } from "./ConfigEditor";
import { CreateConfigProfileMutation } from "./documents";
import { defaultsOf, isObject, setAt } from "./jsonSchema";
import type { JsonSchema, JsonValue } from "./jsonSchema";
import { useTrainingSchema } from "./useTrainingSchema";
import "../common/blocks.css";
import "./configs.css";

/** The template a new profile starts with; the only setting without a default. */
export const FIRST_TEMPLATE = "tabular_mlp";

/** Builds a new profile's first document: every default of the schema and the first template. */
export function newDocument(schema: JsonSchema): JsonValue {
  const defaults = defaultsOf(schema, schema);
  const model = isObject(defaults) && isObject(defaults.model) ? defaults.model : {};
  return setAt(defaults, ["model"], { ...model, template: FIRST_TEMPLATE });
}

/** Creates a configuration profile: name, description and its first revision, edited as a form or as JSON. */
export function NewConfigProfilePage() {
  const { t } = useTranslation();
  const ids = useId();
  const team = useCurrentTeam();
  const navigate = useNavigate();
  const training = useTrainingSchema();
  const [name, setName] = useState("");
  const [description, setDescription] = useState("");
  const [edited, setEdited] = useState<EditedDocument | null>(null);
  const [error, setError] = useState<CombinedError | null>(null);
  const [{ fetching }, create] = useMutation(CreateConfigProfileMutation);
  const initial = useMemo(() => (training.schema ? newDocument(training.schema) : null), [training.schema]);

  if (training.error) {
    return <ErrorDisplay error={training.error} onRetry={training.retry} />;
  }
  if (!training.schema || initial === null) {
    return <Loading />;
  }

  const submit = async () => {
    if (!edited) {
      return;
    }
    const result = await create({
      input: { teamId: team.id, name: name.trim(), description: description.trim(), document: edited.document },
    });
    setError(result.error ?? null);
    if (result.data) {
      void navigate(`/teams/${team.id}/configs/${result.data.createConfigProfile.id}`);
    }
  };

  return (
    <section aria-labelledby="new-config-title" className="page">
      <DocumentTitle page={t("configs.createTitle")} />
      <Typography.Title level={2} id="new-config-title">
        {t("configs.createTitle")}
      </Typography.Title>
      <form
        aria-labelledby="new-config-title"
        onSubmit={(event) => {
          event.preventDefault();
          void submit();
        }}
      >
        <Space wrap align="end" className="filters">
          <div className="filter">
            <label htmlFor={`${ids}-name`}>{t("configs.name")}</label>
            <Input id={`${ids}-name`} value={name} onChange={(event) => setName(event.target.value)} style={{ width: 260 }} />
          </div>
          <div className="filter">
            <label htmlFor={`${ids}-description`}>{t("configs.description")}</label>
            <Input
              id={`${ids}-description`}
              value={description}
              onChange={(event) => setDescription(event.target.value)}
              style={{ width: 360 }}
            />
          </div>
        </Space>
        <ConfigEditor schema={training.schema} initial={initial} onChange={setEdited} />
        {error && <ErrorDisplay error={error} />}
        <Space className="form-actions">
          <Button type="primary" htmlType="submit" loading={fetching} disabled={name.trim() === "" || !edited?.parses}>
            {t("configs.create")}
          </Button>
          <Link to={`/teams/${team.id}/configs`}>{t("common.cancel")}</Link>
        </Space>
      </form>
    </section>
  );
}

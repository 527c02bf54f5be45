import { Button, Card } from "antd";
import { useMemo, useState } from "react";
import { useTranslation } from "react-i18next";
import { useNavigate } from "react-router";

import { useCurrentTeam } from "../teams/TeamContext";
import { EvaluationList } from "./EvaluationList";
import { StartEvaluationForm } from "./StartEvaluationForm";
import { useEvaluations } from "./useEvaluations";

interface ModelEvaluationsProps {
  modelId: string;
  /** One version's evaluations; null lists those of every version of the model. */
  versionId: string | null;
}

/** Lists the evaluations of a model or of one of its versions live, with the form that requests another. */
export function ModelEvaluations({ modelId, versionId }: ModelEvaluationsProps) {
  const { t } = useTranslation();
  const team = useCurrentTeam();
  const navigate = useNavigate();
  const [formOpen, setFormOpen] = useState(false);
  const filter = useMemo(() => (versionId === null ? { modelId } : { modelVersionId: versionId }), [modelId, versionId]);
  const evaluations = useEvaluations(team.id, filter);
  const canEvaluate = team.viewerRole === "EDITOR" || team.viewerRole === "ADMIN";

  return (
    <div>
      {canEvaluate && !formOpen && (
        <Button type="primary" onClick={() => setFormOpen(true)} className="filters">
          {t("evaluation.start.open")}
        </Button>
      )}
      {formOpen && (
        <Card
          title={t("evaluation.start.title")}
          extra={<Button onClick={() => setFormOpen(false)}>{t("common.cancel")}</Button>}
          className="filters"
        >
          <StartEvaluationForm
            modelId={modelId}
            versionId={versionId}
            onStarted={(evaluation) => {
              evaluations.add(evaluation);
              setFormOpen(false);
              void navigate(`/teams/${team.id}/evaluations/${evaluation.id}`);
            }}
          />
        </Card>
      )}
      <EvaluationList evaluations={evaluations} />
    </div>
  );
}

/** Lists a version's evaluations, for the version page. */
export function VersionEvaluations({ modelId, versionId }: { modelId: string; versionId: string }) {
  return <ModelEvaluations modelId={modelId} versionId={versionId} />;
}

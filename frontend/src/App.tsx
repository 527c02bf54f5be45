import { App as AntApp } from "antd";
import { lazy } from "react";
import type { ReactNode } from "react";
import { BrowserRouter, Navigate, Route, Routes } from "react-router";
import type { Exchange } from "urql";

import { ErrorDisplay } from "./common/ErrorDisplay";
import { Loading } from "./common/Loading";
import { LocaleProvider } from "./i18n/LocaleProvider";
import { AppShell } from "./layout/AppShell";
import { NotFoundPage } from "./layout/NotFoundPage";
import { TeamRedirect } from "./layout/TeamRedirect";
import { TeamScope } from "./layout/TeamScope";
import { LoginPage } from "./session/LoginPage";
import { useSession } from "./session/SessionContext";
import { SessionProvider } from "./session/SessionProvider";

const RegistryPage = lazy(() => import("./registry/RegistryPage").then((module) => ({ default: module.RegistryPage })));
const ModelPage = lazy(() => import("./registry/ModelPage").then((module) => ({ default: module.ModelPage })));
const AuditPage = lazy(() => import("./audit/AuditPage").then((module) => ({ default: module.AuditPage })));
const AccessPage = lazy(() => import("./teams/AccessPage").then((module) => ({ default: module.AccessPage })));
const VersionPage = lazy(() => import("./inside/VersionPage").then((module) => ({ default: module.VersionPage })));
const TrainingRunsPage = lazy(() =>
  import("./training/TrainingRunsPage").then((module) => ({ default: module.TrainingRunsPage })),
);
const StartTrainingPage = lazy(() =>
  import("./training/StartTrainingPage").then((module) => ({ default: module.StartTrainingPage })),
);
const TrainingRunPage = lazy(() => import("./training/TrainingRunPage").then((module) => ({ default: module.TrainingRunPage })));
const EvaluationsPage = lazy(() =>
  import("./evaluation/EvaluationsPage").then((module) => ({ default: module.EvaluationsPage })),
);
const EvaluationPage = lazy(() => import("./evaluation/EvaluationPage").then((module) => ({ default: module.EvaluationPage })));
const EvaluationComparePage = lazy(() =>
  import("./evaluation/EvaluationComparePage").then((module) => ({ default: module.EvaluationComparePage })),
);
const DatasetsPage = lazy(() => import("./datasets/DatasetsPage").then((module) => ({ default: module.DatasetsPage })));
const DatasetPage = lazy(() => import("./datasets/DatasetPage").then((module) => ({ default: module.DatasetPage })));
const DatasetVersionPage = lazy(() =>
  import("./datasets/DatasetVersionPage").then((module) => ({ default: module.DatasetVersionPage })),
);
const ConfigProfilesPage = lazy(() =>
  import("./configs/ConfigProfilesPage").then((module) => ({ default: module.ConfigProfilesPage })),
);
const NewConfigProfilePage = lazy(() =>
  import("./configs/NewConfigProfilePage").then((module) => ({ default: module.NewConfigProfilePage })),
);
const ConfigProfilePage = lazy(() =>
  import("./configs/ConfigProfilePage").then((module) => ({ default: module.ConfigProfilePage })),
);
const DeploymentsPage = lazy(() =>
  import("./deployments/DeploymentsPage").then((module) => ({ default: module.DeploymentsPage })),
);
const NewDeploymentPage = lazy(() =>
  import("./deployments/NewDeploymentPage").then((module) => ({ default: module.NewDeploymentPage })),
);
const DeploymentPage = lazy(() => import("./deployments/DeploymentPage").then((module) => ({ default: module.DeploymentPage })));
const MonitoringWallPage = lazy(() =>
  import("./monitoring/MonitoringWallPage").then((module) => ({ default: module.MonitoringWallPage })),
);
const AlertsPage = lazy(() => import("./monitoring/AlertsPage").then((module) => ({ default: module.AlertsPage })));

export function AppRoutes() {
  return (
    <Routes>
      {/* The landing redirect draws its own frame, so the shell's empty team choice never shows while teams load. */}
      <Route index element={<TeamRedirect />} />
      <Route element={<AppShell />}>
        <Route path="teams/:teamId" element={<TeamScope />}>
          <Route index element={<Navigate to="models" replace />} />
          <Route path="models" element={<RegistryPage />} />
          <Route path="models/:modelId" element={<ModelPage />} />
          <Route path="audit" element={<AuditPage />} />
          <Route path="access" element={<AccessPage />} />
          <Route path="models/:modelId/versions/:versionId" element={<VersionPage />} />
          <Route path="training" element={<TrainingRunsPage />} />
          <Route path="training/new" element={<StartTrainingPage />} />
          <Route path="training/:runId" element={<TrainingRunPage />} />
          <Route path="evaluations" element={<EvaluationsPage />} />
          <Route path="evaluations/compare" element={<EvaluationComparePage />} />
          <Route path="evaluations/:evaluationId" element={<EvaluationPage />} />
          <Route path="datasets" element={<DatasetsPage />} />
          <Route path="datasets/:datasetId" element={<DatasetPage />} />
          <Route path="datasets/:datasetId/versions/:versionId" element={<DatasetVersionPage />} />
          <Route path="configs" element={<ConfigProfilesPage />} />
          <Route path="configs/new" element={<NewConfigProfilePage />} />
          <Route path="configs/:profileId" element={<ConfigProfilePage />} />
          <Route path="deployments" element={<DeploymentsPage />} />
          <Route path="deployments/new" element={<NewDeploymentPage />} />
          <Route path="deployments/:deploymentId" element={<DeploymentPage />} />
          <Route path="monitoring" element={<MonitoringWallPage />} />
          <Route path="alerts" element={<AlertsPage />} />
        </Route>
        <Route path="*" element={<NotFoundPage />} />
      </Route>
    </Routes>
  );
}

/** Shows the sign-in page until there is a session, keeping the URL so the page asked for opens after it. */
function SignedIn({ children }: { children: ReactNode }) {
  const { state, retry } = useSession();

  switch (state.status) {
    case "loading":
      return <Loading />;
    case "failed":
      return (
        <main className="page">
          <ErrorDisplay error={state.error} onRetry={retry} />
        </main>
      );
    case "signedOut":
      return <LoginPage notice={state.notice} />;
    case "signedIn":
      return <>{children}</>;
  }
}

export function App({ exchanges }: { exchanges?: Exchange[] }) {
  return (
    <LocaleProvider>
      <AntApp>
        <BrowserRouter>
          <SessionProvider exchanges={exchanges}>
            <SignedIn>
              <AppRoutes />
            </SignedIn>
          </SessionProvider>
        </BrowserRouter>
      </AntApp>
    </LocaleProvider>
  );
}

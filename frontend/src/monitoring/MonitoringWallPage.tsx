import { FullscreenExitOutlined, FullscreenOutlined } from "@ant-design/icons";
import { Button } from "antd";
import { useRef } from "react";
import { useTranslation } from "react-i18next";
import { Link } from "react-router";
import { useSubscription } from "urql";

import { DocumentTitle } from "../common/DocumentTitle";
import { ErrorDisplay } from "../common/ErrorDisplay";
import type { MonitoringWallSubscription as WallMessage } from "../gql/graphql";
import { useFormat } from "../i18n/format";
import { useMeasures } from "../i18n/measures";
import { useCurrentTeam } from "../teams/TeamContext";
import { AlertSentence } from "./AlertSentence";
import { MonitoringWallSubscription } from "./documents";
import { useSignalFormat } from "./signals";
import { Sparkline } from "./Sparkline";
import { useFullscreen } from "./useFullscreen";
import { foldWall, tileOrder, wallAlertOrder } from "./wallState";
import type { SignalSample, Wall, WallState, WallTile } from "./wallState";
import "./monitoring.css";

/**
 * Shows the team's monitoring wall: a tile per running deployment with its recent signals, and the
 * open alerts, all from the `monitoringWall` subscription, so it changes without a reload. It is
 * dark and high-contrast for a wall display, and can take the whole screen.
 */
export function MonitoringWallPage() {
  const { t } = useTranslation();
  const format = useFormat();
  const team = useCurrentTeam();
  const wallElement = useRef<HTMLElement>(null);
  const fullscreen = useFullscreen(wallElement);
  const [{ data: state, error }] = useSubscription(
    { query: MonitoringWallSubscription, variables: { teamId: team.id } },
    (previous: WallState | undefined, message: WallMessage) => foldWall(previous, message),
  );

  return (
    <section
      ref={wallElement}
      aria-labelledby="wall-title"
      className={fullscreen.active ? "monitoring-wall fullscreen" : "monitoring-wall"}
    >
      <header className="wall-header">
        <DocumentTitle page={t("wall.nav")} />
        <h2 id="wall-title">{t("wall.title", { team: team.name })}</h2>
        <span className="wall-updated" aria-live="polite">
          {state ? t("wall.updatedAt", { moment: format.dateTime(state.wall.at) }) : t("wall.waiting")}
        </span>
        <Link to={`/teams/${team.id}/alerts`} className="wall-link">
          {t("wall.allAlerts")}
        </Link>
        {fullscreen.supported && (
          <Button
            onClick={fullscreen.toggle}
            icon={fullscreen.active ? <FullscreenExitOutlined /> : <FullscreenOutlined />}
            aria-pressed={fullscreen.active}
          >
            {fullscreen.active ? t("wall.exitFullscreen") : t("wall.fullscreen")}
          </Button>
        )}
      </header>
      {error && <ErrorDisplay error={error} />}
      {!state && !error && (
        <p className="wall-empty" role="status">
          {t("common.loading")}
        </p>
      )}
      {state && <WallBody wall={state.wall} history={state.history} teamId={team.id} />}
    </section>
  );
}

function WallBody({ wall, history, teamId }: { wall: Wall; history: Record<string, SignalSample[]>; teamId: string }) {
  const { t } = useTranslation();
  const signals = useSignalFormat();
  const tiles = [...wall.deployments].sort(tileOrder);
  const alerts = [...wall.alerts].sort(wallAlertOrder);

  return (
    <div className="wall-body">
      {tiles.length === 0 ? (
        <p className="wall-empty">{t("wall.noDeployments")}</p>
      ) : (
        <div className="wall-grid" role="list" aria-label={t("wall.deployments")}>
          {tiles.map((tile) => (
            <Tile key={tile.deployment.id} tile={tile} samples={history[tile.deployment.id] ?? []} teamId={teamId} />
          ))}
        </div>
      )}
      <aside className="wall-alerts" aria-labelledby="wall-alerts-title">
        <h3 id="wall-alerts-title">{t("wall.openAlerts", { count: alerts.length })}</h3>
        {alerts.length === 0 ? (
          <p className="wall-empty">{t("wall.noAlerts")}</p>
        ) : (
          <ul className="wall-alert-list">
            {alerts.map((alert) => (
              <li key={`${alert.id}#${alert.incident}`} className={`wall-alert severity-${alert.severity.toLowerCase()}`}>
                <span className="wall-alert-badge">
                  {t(`alerts.severity.${alert.severity}`)} · {t(`alerts.state.${alert.state}`)}
                </span>
                <strong>{alert.ruleName ?? (alert.signal ? signals.label(alert.signal) : alert.ruleId)}</strong>
                <span>{alert.subjectName}</span>
                <AlertSentence alert={alert} className="wall-alert-message" />
                {alert.acknowledgedAt && (
                  <span>{t("wall.acknowledgedBy", { user: alert.acknowledgedByUsername ?? alert.acknowledgedBy ?? "—" })}</span>
                )}
              </li>
            ))}
          </ul>
        )}
      </aside>
    </div>
  );
}

/** Names the tile's border colour: the worst firing severity, "pending" for alerts not yet firing, else "ok". */
function tileSeverity(tile: WallTile): string {
  if (tile.worstSeverity) {
    return tile.worstSeverity.toLowerCase();
  }
  return tile.openAlerts > 0 ? "pending" : "ok";
}

function Tile({ tile, samples, teamId }: { tile: WallTile; samples: SignalSample[]; teamId: string }) {
  const { t } = useTranslation();
  const measures = useMeasures();
  const severity = tileSeverity(tile);
  const deployment = tile.deployment;

  return (
    <article role="listitem" className={`wall-tile severity-${severity}`} aria-labelledby={`tile-${deployment.id}`}>
      <header>
        <h3 id={`tile-${deployment.id}`}>
          <Link to={`/teams/${teamId}/deployments/${deployment.id}`}>{deployment.name}</Link>
        </h3>
        <span className={`wall-status status-${deployment.status.toLowerCase()}`}>
          {t(`deployments.status.${deployment.status}`)}
        </span>
      </header>
      <p className="wall-traffic">
        {deployment.config.traffic.map((entry) => `v${entry.version} ${measures.percent(entry.percent / 100)}`).join(" · ")}
      </p>
      <dl className="wall-signals">
        <div>
          <dt>{t("wall.throughput")}</dt>
          <dd>{measures.perSecond(tile.requestsPerSecond)}</dd>
          <Sparkline values={samples.map((sample) => sample.requestsPerSecond)} />
        </div>
        <div>
          <dt>{t("wall.errorRate")}</dt>
          <dd>{measures.percent(tile.errorRate)}</dd>
          <Sparkline values={samples.map((sample) => sample.errorRate)} />
        </div>
        <div>
          <dt>{t("wall.latencyP99")}</dt>
          <dd>{measures.milliseconds(tile.latencyP99Ms)}</dd>
          <Sparkline values={samples.map((sample) => sample.latencyP99Ms)} />
        </div>
        <div>
          <dt>{t("wall.featureDrift")}</dt>
          <dd>{measures.decimal(tile.featureDriftPsi)}</dd>
        </div>
        <div>
          <dt>{t("wall.predictionDrift")}</dt>
          <dd>{measures.decimal(tile.predictionDriftPsi)}</dd>
        </div>
      </dl>
      <p className="wall-tile-alerts">
        {tile.openAlerts === 0
          ? t("wall.tileNoAlerts")
          : t("wall.tileAlerts", {
              count: tile.openAlerts,
              severity: tile.worstSeverity ? t(`alerts.severity.${tile.worstSeverity}`) : t("alerts.state.PENDING"),
            })}
      </p>
      {deployment.healthReason && <p className="wall-reason">{deployment.healthReason}</p>}
    </article>
  );
}

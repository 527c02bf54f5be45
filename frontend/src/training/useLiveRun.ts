import { useCallback, useEffect, useRef, useState } from "react";
import { useClient } from "urql";
import type { CombinedError } from "urql";

import type { TrainingEpochFieldsFragment, TrainingRunDetailFragment } from "../gql/graphql";
import { TrainingRunLiveSubscription, TrainingRunMetricsQuery, TrainingRunQuery } from "./documents";
import { mergeAll, mergePoints } from "./metricSeries";
import type { SeriesByName } from "./metricSeries";

/** The points each series keeps at most when read; a longer series is downsampled by the server. */
export const MAX_POINTS = 1000;

export interface SeriesInfo {
  totalPoints: number;
  downsampled: boolean;
}

export interface LiveRun {
  run: TrainingRunDetailFragment | null;
  epochs: TrainingEpochFieldsFragment[];
  series: SeriesByName;
  /** How many points each series had when read, and whether the server downsampled it. */
  seriesInfo: Record<string, SeriesInfo>;
  /** Whether the subscription has delivered the run's state, so changes now arrive as they happen. */
  live: boolean;
  fetching: boolean;
  error: CombinedError | undefined;
  reload: () => void;
  /** Replaces the run's state with one a mutation returned. */
  setRun: (run: TrainingRunDetailFragment) => void;
}

function upsertEpoch(epochs: TrainingEpochFieldsFragment[], epoch: TrainingEpochFieldsFragment): TrainingEpochFieldsFragment[] {
  return [...epochs.filter((existing) => existing.epoch !== epoch.epoch), epoch].sort((left, right) => left.epoch - right.epoch);
}

/**
 * Reads a run, its epochs and its metric series, then follows `trainingRunUpdated`: each message
 * replaces the run's state, adds the completed epoch and appends the recorded points to the
 * series, so the curves grow without reading them again. A restart reads the series and epochs
 * again, because the new attempt replaces the epochs after its checkpoint.
 */
export function useLiveRun(runId: string): LiveRun {
  const client = useClient();
  const [run, setRun] = useState<TrainingRunDetailFragment | null>(null);
  const [epochs, setEpochs] = useState<TrainingEpochFieldsFragment[]>([]);
  const [series, setSeries] = useState<SeriesByName>({});
  const [seriesInfo, setSeriesInfo] = useState<Record<string, SeriesInfo>>({});
  const [live, setLive] = useState(false);
  const [fetching, setFetching] = useState(true);
  const [error, setError] = useState<CombinedError | undefined>(undefined);
  const [generation, setGeneration] = useState(0);
  const request = useRef(0);

  // `replace` drops what arrived live: after a restart, points and epochs of the lost attempt
  // that the new one has not reached yet must go.
  const read = useCallback(
    async (replace: boolean) => {
      request.current += 1;
      const mine = request.current;
      setFetching(true);
      const [state, metrics] = await Promise.all([
        client.query(TrainingRunQuery, { id: runId }, { requestPolicy: "network-only" }).toPromise(),
        client
          .query(TrainingRunMetricsQuery, { id: runId, names: null, maxPoints: MAX_POINTS }, { requestPolicy: "network-only" })
          .toPromise(),
      ]);
      if (mine !== request.current) {
        return;
      }
      setFetching(false);
      setError(state.error ?? metrics.error);
      const readRun = state.data?.trainingRun;
      if (readRun) {
        const { epochs: readEpochs, ...detail } = readRun;
        // A live message may have brought a newer state meanwhile; the newer one stays.
        setRun((current) => (current && current.updatedAt > detail.updatedAt ? current : detail));
        const last = readEpochs[readEpochs.length - 1]?.epoch ?? 0;
        setEpochs((current) => (replace ? readEpochs : [...readEpochs, ...current.filter((epoch) => epoch.epoch > last)]));
      }
      const readSeries = metrics.data?.trainingRun.metrics;
      if (readSeries) {
        const fromQuery: SeriesByName = {};
        const info: Record<string, SeriesInfo> = {};
        for (const metric of readSeries) {
          fromQuery[metric.name] = metric.points.map((point) => ({
            step: point.step,
            epoch: point.epoch ?? null,
            value: point.value ?? null,
            nonFinite: point.nonFinite ?? null,
          }));
          info[metric.name] = { totalPoints: metric.totalPoints, downsampled: metric.downsampled };
        }
        // Points that arrived live while the query ran are newer than the query's, so they win.
        setSeries((current) => (replace ? fromQuery : mergeAll(fromQuery, current)));
        setSeriesInfo(info);
      }
    },
    [client, runId],
  );

  useEffect(() => {
    setRun(null);
    setEpochs([]);
    setSeries({});
    setSeriesInfo({});
    void read(false);
  }, [read, generation]);

  useEffect(() => {
    setLive(false);
    const subscription = client.subscription(TrainingRunLiveSubscription, { id: runId }).subscribe((result) => {
      if (result.error) {
        setLive(false);
        setError(result.error);
        return;
      }
      const update = result.data?.trainingRunUpdated;
      if (!update) {
        return;
      }
      setLive(true);
      setRun(update.run);
      const epoch = update.epoch;
      if (epoch) {
        setEpochs((current) => upsertEpoch(current, epoch));
      }
      if (update.points.length > 0) {
        setSeries((current) =>
          mergePoints(
            current,
            update.points.map((point) => ({
              name: point.name,
              step: point.step,
              epoch: point.epoch ?? null,
              value: point.value ?? null,
              nonFinite: point.nonFinite ?? null,
            })),
          ),
        );
      }
      if (update.change?.action === "TrainingRun.Restarted") {
        void read(true);
      }
    });
    return () => subscription.unsubscribe();
  }, [client, runId, read]);

  const reload = useCallback(() => setGeneration((count) => count + 1), []);

  return { run, epochs, series, seriesInfo, live, fetching, error, reload, setRun };
}

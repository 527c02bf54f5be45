import { Progress } from "antd";
import { useTranslation } from "react-i18next";

import { useFormat } from "../i18n/format";

interface ProfilingProgressProps {
  progress: { rowsDone: number; rowsTotal: number };
  compact?: boolean;
}

/**
 * Shows how far profiling has come. The worker reads the rows twice and counts both passes as
 * halves of rowsTotal, so the bar is at 50 % when the first pass ends.
 */
export function ProfilingProgress({ progress, compact = false }: ProfilingProgressProps) {
  const { t } = useTranslation();
  const format = useFormat();
  const percent = progress.rowsTotal > 0 ? Math.min(100, Math.floor((100 * progress.rowsDone) / progress.rowsTotal)) : 0;
  const text = t("datasetVersion.profilingProgress", {
    done: format.number(progress.rowsDone),
    total: format.number(progress.rowsTotal),
  });

  return (
    <div className={compact ? "profiling-progress compact" : "profiling-progress"} aria-live="polite">
      <Progress percent={percent} size="small" status="active" aria-label={text} />
      {!compact && <span>{text}</span>}
    </div>
  );
}

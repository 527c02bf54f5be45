import { Typography } from "antd";
import { useTranslation } from "react-i18next";
import { useQuery } from "urql";

import { ConfigProfileRowQuery } from "../configs/documents";
import type { ModelVersionFieldsFragment } from "../gql/graphql";
import { useFormat } from "../i18n/format";
import type { TeamCatalog } from "../training/useTeamCatalog";
import { comparedField, parseLayerText, shortened } from "./comparedFields";

export interface ComparedValueProps {
  /** The changed field as the server names it, such as "size" or "lineage.datasetVersion". */
  field: string;
  /** Whether the change is of a layer, whose value describes the layer. */
  layer: boolean;
  /** One side's value as the server sends it (text), or null where that version has none. */
  value: string | null | undefined;
  /** The model's versions, to name a base version by its number. */
  versions: ModelVersionFieldsFragment[];
  catalog: TeamCatalog;
  /** Names of the model's training runs by id. */
  runNames: ReadonlyMap<string, string>;
}

/** Shows one side of a changed field in the reader's terms: sizes in bytes, names instead of ids, translated states. */
export function ComparedValue({ field, layer, value, versions, catalog, runNames }: ComparedValueProps) {
  const { t } = useTranslation();
  const format = useFormat();

  if (value === null || value === undefined) {
    return <>—</>;
  }
  if (layer) {
    const parsed = parseLayerText(value);
    return (
      <>
        {parsed
          ? t("compare.layerValue", {
              className: parsed.className,
              shape: parsed.shape,
              parameters: format.number(parsed.parameters),
            })
          : value}
      </>
    );
  }

  const named = (name: string | null | undefined) => (
    <span title={value}>{name ?? <Typography.Text code>{shortened(value)}</Typography.Text>}</span>
  );
  switch (comparedField(field)) {
    case "size":
      return <>{format.bytes(Number(value))}</>;
    case "sha256":
      return (
        <Typography.Text code title={value}>
          {shortened(value)}
        </Typography.Text>
      );
    case "status":
      return <>{t(`versions.statuses.${knownOr(["ready", "pending", "failed", "broken", "expired"], value)}`)}</>;
    case "source":
      return <>{t(`versions.sources.${knownOr(["upload", "training"], value)}`)}</>;
    case "model":
      return named(catalog.modelName(value));
    case "trainingRun":
      return named(runNames.get(value));
    case "datasetVersion": {
      const found = catalog.datasetVersion(value);
      return named(found ? t("training.datasetVersion", { name: found.dataset.name, number: found.version.number }) : null);
    }
    case "configProfile":
      return <ProfileName id={value} />;
    case "configRevision":
      return <>{t("configs.revisionNumber", { number: value })}</>;
    case "baseModelVersion": {
      const base = versions.find((version) => version.id === value);
      return named(base ? t("compare.versionNumber", { number: base.number }) : null);
    }
    default:
      return <>{value}</>;
  }
}

function knownOr<Known extends string>(known: readonly Known[], value: string): Known | "other" {
  return known.find((candidate) => candidate === value) ?? "other";
}

/** Names a configuration profile by id, or shows the shortened id until it is read or when it cannot be. */
function ProfileName({ id }: { id: string }) {
  const [{ data }] = useQuery({ query: ConfigProfileRowQuery, variables: { id } });
  const name = data?.configProfile.name;

  return <span title={id}>{name ?? <Typography.Text code>{shortened(id)}</Typography.Text>}</span>;
}

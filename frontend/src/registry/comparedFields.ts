/** The fields compareModelVersions reports as changed, lineage keys included, which the catalogue names. */
export const COMPARED_FIELDS = [
  "model",
  "sha256",
  "size",
  "format",
  "source",
  "status",
  "trainingRun",
  "datasetVersion",
  "configProfile",
  "configRevision",
  "baseModelVersion",
] as const;

export type ComparedField = (typeof COMPARED_FIELDS)[number];

const LINEAGE_PREFIX = "lineage.";

/** Returns the known field a change names, such as "size" or "trainingRun" for "lineage.trainingRun", or null. */
export function comparedField(name: string): ComparedField | null {
  const key = name.startsWith(LINEAGE_PREFIX) ? name.slice(LINEAGE_PREFIX.length) : name;
  return COMPARED_FIELDS.find((field) => field === key) ?? null;
}

export interface LayerText {
  className: string;
  shape: string;
  parameters: number;
}

// The server describes a changed layer as "<class> <output shape> <n> parameters", such as "Dense (None, 32) 992 parameters".
const LAYER_TEXT = /^(\S+) (.+) (\d+) parameters$/;

/** Splits the server's description of a layer into its parts, or returns null for text in another form. */
export function parseLayerText(text: string): LayerText | null {
  const match = LAYER_TEXT.exec(text);
  if (!match) {
    return null;
  }
  const [, className = "", shape = "", parameters = "0"] = match;
  return { className, shape, parameters: Number(parameters) };
}

/** Shortens an id or digest for a table cell. The cell's title keeps the full text. */
export function shortened(text: string, length = 12): string {
  return text.length > length ? `${text.slice(0, length)}…` : text;
}

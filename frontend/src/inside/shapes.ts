/** Writes a shape as Keras prints it, such as (None, 30), where None is the batch dimension or any size. */
export function formatShape(shape: readonly (number | null)[] | null | undefined): string {
  if (shape === null || shape === undefined) {
    return "";
  }
  const dimensions = shape.map((dimension) => (dimension === null ? "None" : String(dimension)));
  return dimensions.length === 1 ? `(${dimensions[0]},)` : `(${dimensions.join(", ")})`;
}

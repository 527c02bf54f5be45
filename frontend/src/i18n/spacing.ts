const HAN = "\\u3400-\\u9fff";
const HAN_BEFORE_LATIN = new RegExp(`([${HAN}])(?=[A-Za-z])`, "gu");
const LATIN_TERM_BEFORE_HAN = new RegExp(`([A-Za-z][A-Za-z0-9²]*)(?=[${HAN}])`, "gu");

/**
 * Puts a space between a Latin term (F1, ROC, API) and the Chinese characters next to it, as the
 * zh-CN catalogue writes them. A bare number keeps touching its unit ("120秒").
 * Use it on text joined from catalogue entries only: user-given names keep their own spacing.
 */
export function spaceLatinTerms(text: string): string {
  return text.replace(HAN_BEFORE_LATIN, "$1 ").replace(LATIN_TERM_BEFORE_HAN, "$1 ");
}

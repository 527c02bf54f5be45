import { StyleProvider } from "@ant-design/cssinjs";
import { render } from "@testing-library/react";
import type { RenderResult } from "@testing-library/react";
import type { ReactElement } from "react";

/**
 * Renders like Testing Library's `render`, but keeps Ant Design from writing its CSS-in-JS
 * style tags into the document. jsdom parses every style tag on each `getComputedStyle` call:
 * with the tags, App.test.tsx took 15 s instead of 6 s on a 2-core machine. No test reads styles.
 */
export function renderWithoutStyles(ui: ReactElement): RenderResult {
  return render(<StyleProvider mock="server">{ui}</StyleProvider>);
}

import { StrictMode } from "react";
import { createRoot } from "react-dom/client";

import { App } from "./App";
import { initialLanguage, setUpI18n } from "./i18n/i18n";
import "./styles.css";

setUpI18n(initialLanguage(window.localStorage, navigator.languages));

const root = document.getElementById("root");
if (root === null) {
  throw new Error("index.html has no element with id 'root'.");
}
createRoot(root).render(
  <StrictMode>
    <App />
  </StrictMode>,
);

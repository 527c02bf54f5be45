import i18next from "i18next";
import { initReactI18next } from "react-i18next";

import { en } from "./en";
import { zhCN } from "./zhCN";

export const LANGUAGES = ["en", "zh-CN"] as const;
export type Language = (typeof LANGUAGES)[number];

export const LANGUAGE_STORAGE_KEY = "modelcloud.language";

function isLanguage(value: string | null): value is Language {
  return LANGUAGES.some((language) => language === value);
}

/** Picks the stored choice, else the first browser language that is Chinese or English, else English. */
export function initialLanguage(storage: Storage, browserLanguages: readonly string[]): Language {
  const stored = storage.getItem(LANGUAGE_STORAGE_KEY);
  if (isLanguage(stored)) {
    return stored;
  }
  for (const tag of browserLanguages) {
    const lower = tag.toLowerCase();
    if (lower.startsWith("zh")) {
      return "zh-CN";
    }
    if (lower.startsWith("en")) {
      return "en";
    }
  }
  return "en";
}

export function storeLanguage(storage: Storage, language: Language): void {
  storage.setItem(LANGUAGE_STORAGE_KEY, language);
}

export const resources = {
  en: { translation: en },
  "zh-CN": { translation: zhCN },
} as const;

export function setUpI18n(language: Language): typeof i18next {
  void i18next.use(initReactI18next).init({
    resources,
    lng: language,
    fallbackLng: false,
    interpolation: { escapeValue: false },
    returnNull: false,
    // The catalogues are bundled, so initialisation can finish before the first render.
    initAsync: false,
  });
  return i18next;
}

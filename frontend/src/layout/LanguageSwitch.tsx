import { Select } from "antd";
import { useTranslation } from "react-i18next";

import { LANGUAGES, storeLanguage } from "../i18n/i18n";
import type { Language } from "../i18n/i18n";

const LANGUAGE_NAMES: Record<Language, string> = {
  en: "English",
  "zh-CN": "简体中文",
};

/** Switches the language of the whole app and remembers the choice in local storage. */
export function LanguageSwitch() {
  const { t, i18n } = useTranslation();

  const change = (language: Language) => {
    storeLanguage(window.localStorage, language);
    void i18n.changeLanguage(language);
  };

  return (
    <Select<Language>
      aria-label={t("layout.language")}
      value={i18n.language as Language}
      onChange={change}
      options={LANGUAGES.map((language) => ({ value: language, label: LANGUAGE_NAMES[language] }))}
      virtual={false}
      style={{ width: 120 }}
    />
  );
}

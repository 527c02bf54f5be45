import { ConfigProvider } from "antd";
import enUS from "antd/locale/en_US";
import zhCNLocale from "antd/locale/zh_CN";
import dayjs from "dayjs";
import "dayjs/locale/zh-cn";
import { useEffect } from "react";
import type { ReactNode } from "react";
import { useTranslation } from "react-i18next";

/** Sets the active language for Ant Design, dayjs (its date pickers) and the document. */
export function LocaleProvider({ children }: { children: ReactNode }) {
  const { i18n } = useTranslation();
  const chinese = i18n.language === "zh-CN";

  useEffect(() => {
    dayjs.locale(chinese ? "zh-cn" : "en");
    document.documentElement.lang = i18n.language;
  }, [chinese, i18n.language]);

  // Ant Design puts a space between the two characters of a Chinese button label ("取 消") unless `autoInsertSpace` is off.
  return (
    <ConfigProvider locale={chinese ? zhCNLocale : enUS} button={{ autoInsertSpace: false }}>
      {children}
    </ConfigProvider>
  );
}

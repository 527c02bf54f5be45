import { InputNumber } from "antd";
import type { InputNumberProps } from "antd";
import { useLayoutEffect, useRef } from "react";
import type { ComponentRef } from "react";
import { useTranslation } from "react-i18next";

/**
 * Ant Design's InputNumber with its step buttons named in the page's language. Its step buttons carry
 * the fixed English labels "Increase Value" and "Decrease Value" (@rc-component/input-number 1.x,
 * StepHandler), which no prop or locale changes, so they are relabelled after each render.
 */
export function NumberInput<T extends number | string = number>(props: InputNumberProps<T>) {
  const { t } = useTranslation();
  const input = useRef<ComponentRef<typeof InputNumber>>(null);

  useLayoutEffect(() => {
    const root = input.current?.nativeElement;
    if (!root) {
      return;
    }
    root.querySelector('[role="button"][class*="-action-up"]')?.setAttribute("aria-label", t("common.increaseValue"));
    root.querySelector('[role="button"][class*="-action-down"]')?.setAttribute("aria-label", t("common.decreaseValue"));
  });

  return <InputNumber<T> ref={input} {...props} />;
}

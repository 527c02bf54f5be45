import { Button, DatePicker, Slider, Space } from "antd";
import dayjs from "dayjs";
import type { Dayjs } from "dayjs";
import { useEffect, useId, useState } from "react";
import { useTranslation } from "react-i18next";

import { useFormat } from "../i18n/format";

const SLIDER_STEP_MS = 60_000;

interface TimeTravelProps {
  /** When the model was registered: the earliest moment worth showing. */
  createdAt: string;
  /** The moment shown, or null for now. */
  asOf: string | null;
  onChange: (moment: string | null) => void;
}

/** Renders a slider from the model's registration to now and a date picker, which choose the moment the page shows. */
export function TimeTravel({ createdAt, asOf, onChange }: TimeTravelProps) {
  const { t } = useTranslation();
  const format = useFormat();
  const ids = useId();
  const [now] = useState(() => Date.now());
  const start = Math.min(Date.parse(createdAt), now);
  const shown = asOf === null ? now : Date.parse(asOf);
  const [dragged, setDragged] = useState(shown);

  useEffect(() => setDragged(shown), [shown]);

  const choose = (moment: number) => onChange(moment >= now ? null : new Date(moment).toISOString());

  return (
    <div className="time-travel" role="group" aria-labelledby={`${ids}-label`}>
      <span id={`${ids}-label`} className="time-travel-label">
        {t("timeTravel.label")}
      </span>
      <Slider
        className="time-travel-slider"
        min={start}
        max={now}
        step={SLIDER_STEP_MS}
        value={dragged}
        onChange={setDragged}
        onChangeComplete={choose}
        tooltip={{ formatter: (value) => (value === undefined ? "" : format.dateTime(new Date(value).toISOString())) }}
        // The handle, not the slider's wrapper, has role="slider", so the accessible name and value text go there.
        ariaLabelForHandle={t("timeTravel.slider")}
        ariaValueTextFormatterForHandle={(value) => (value === undefined ? "" : format.dateTime(new Date(value).toISOString()))}
      />
      <Space>
        <DatePicker
          showTime
          aria-label={t("timeTravel.picker")}
          value={asOf === null ? null : dayjs(asOf)}
          minDate={dayjs(start)}
          maxDate={dayjs(now)}
          onChange={(value: Dayjs | null) => onChange(value ? value.toISOString() : null)}
          placeholder={t("timeTravel.now")}
        />
        <Button onClick={() => onChange(null)} disabled={asOf === null}>
          {t("timeTravel.now")}
        </Button>
      </Space>
    </div>
  );
}

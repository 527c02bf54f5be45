import { useCallback, useEffect, useState } from "react";
import type { RefObject } from "react";

export interface Fullscreen {
  /** Whether the browser allows full screen here (false inside some frames, and where the API is missing). */
  supported: boolean;
  active: boolean;
  toggle: () => void;
}

/** Shows the element full screen with the Fullscreen API, and follows the browser's own exits (Esc). */
export function useFullscreen(element: RefObject<HTMLElement | null>): Fullscreen {
  const supported = typeof document !== "undefined" && document.fullscreenEnabled === true;
  const [active, setActive] = useState(false);

  useEffect(() => {
    const follow = () => setActive(document.fullscreenElement !== null && document.fullscreenElement === element.current);
    document.addEventListener("fullscreenchange", follow);
    return () => document.removeEventListener("fullscreenchange", follow);
  }, [element]);

  const toggle = useCallback(() => {
    if (document.fullscreenElement) {
      void document.exitFullscreen();
    } else {
      void element.current?.requestFullscreen();
    }
  }, [element]);

  return { supported, active, toggle };
}

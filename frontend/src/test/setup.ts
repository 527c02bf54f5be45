import "@testing-library/jest-dom/vitest";
import { cleanup, configure } from "@testing-library/react";
import { afterEach } from "vitest";

import { setUpI18n } from "../i18n/i18n";

setUpI18n("en");

// The first render of a lazily loaded page waits for Vite to transform its modules, which took
// over the default second on a loaded 2-core machine. The timeout only has to catch hangs.
configure({ asyncUtilTimeout: 5000 });

// jsdom has no layout engine and lacks these browser APIs, which Ant Design calls.
Object.defineProperty(window, "matchMedia", {
  writable: true,
  value: (query: string) => ({
    matches: false,
    media: query,
    onchange: null,
    addListener: () => undefined,
    removeListener: () => undefined,
    addEventListener: () => undefined,
    removeEventListener: () => undefined,
    dispatchEvent: () => false,
  }),
});

// Ant Design measures scroll bars through a pseudo-element, which jsdom does not implement and logs about.
const computedStyle = window.getComputedStyle.bind(window);
window.getComputedStyle = (element: Element) => computedStyle(element);

class ResizeObserverStub {
  observe(): void {}
  unobserve(): void {}
  disconnect(): void {}
}
Object.defineProperty(window, "ResizeObserver", { writable: true, value: ResizeObserverStub });

// The virtualized model list measures its scrolling element, which jsdom reports as 0 × 0.
Object.defineProperty(HTMLElement.prototype, "clientHeight", { configurable: true, get: () => 600 });
Object.defineProperty(HTMLElement.prototype, "clientWidth", { configurable: true, get: () => 1200 });

afterEach(() => {
  cleanup();
  window.localStorage.clear();
});

import { describe, expect, it } from "vitest";

import { KNOWN_CODES } from "../api/errors";
import SCHEMA from "../configs/trainingConfigSchema.fixture.json";
import { en } from "./en";
import { initialLanguage, LANGUAGE_STORAGE_KEY } from "./i18n";
import { spaceLatinTerms } from "./spacing";
import { zhCN } from "./zhCN";

type Tree = { [key: string]: string | Tree };

function flatten(tree: Tree, prefix = ""): Map<string, string> {
  const entries = new Map<string, string>();
  for (const [key, value] of Object.entries(tree)) {
    const path = prefix === "" ? key : `${prefix}.${key}`;
    if (typeof value === "string") {
      entries.set(path, value);
    } else {
      for (const [childPath, childValue] of flatten(value, path)) {
        entries.set(childPath, childValue);
      }
    }
  }
  return entries;
}

function placeholders(text: string): string[] {
  return Array.from(text.matchAll(/\{\{\s*(\w+)\s*\}\}/g), (match) => match[1] ?? "").sort();
}

const english = flatten(en);
const chinese = flatten(zhCN);

describe("catalogues", () => {
  it("have the same keys", () => {
    expect([...chinese.keys()].sort()).toEqual([...english.keys()].sort());
  });

  it.each([
    ["en", english],
    ["zh-CN", chinese],
  ])("%s has no empty value", (_, catalogue) => {
    const empty = [...catalogue].filter(([, value]) => value.trim() === "").map(([key]) => key);
    expect(empty).toEqual([]);
  });

  it("use the same placeholders in both languages", () => {
    const differing = [...english].filter(
      ([key, value]) => placeholders(value).join() !== placeholders(chinese.get(key) ?? "").join(),
    );
    expect(differing.map(([key]) => key)).toEqual([]);
  });

  it("write Chinese units against the number", () => {
    // zh-CN writes a number straight against a Chinese unit of time or %, as Intl's zh-CN patterns do ("5秒", "100%").
    const spaced = [...chinese].filter(([, value]) => /(\}\}|\d)\s+(毫秒|秒|分钟|小时|天|%)/.test(value)).map(([key]) => key);
    expect(spaced).toEqual([]);
  });

  it("space Latin terms in Chinese", () => {
    // "ROC 曲线", "API 令牌": a Latin word and the Chinese characters beside it have a space between them.
    const glued = [...chinese].filter(([, value]) => spaceLatinTerms(value) !== value).map(([key]) => key);
    expect(glued).toEqual([]);
  });

  it("write % against the number in English", () => {
    const spaced = [...english].filter(([, value]) => /(\}\}|\d)\s+%/.test(value)).map(([key]) => key);
    expect(spaced).toEqual([]);
  });

  it("translate every visible string into Chinese", () => {
    // Brand names, formats and symbols may stay as they are; everything else must differ from English.
    const untranslatedOnPurpose = new Set(["registry.aliasAt", "layout.documentTitle"]);
    const same = [...english]
      .filter(([key, value]) => !untranslatedOnPurpose.has(key) && chinese.get(key) === value)
      .map(([key]) => key);
    expect(same).toEqual([]);
  });

  it("carry the schema's help text of every described setting", () => {
    // The form shows configHelp in place of the server schema's English description, so both must agree.
    const described = new Map<string, string>();
    const collect = (node: unknown): void => {
      if (Array.isArray(node)) {
        node.forEach(collect);
      } else if (typeof node === "object" && node !== null) {
        const properties = (node as { properties?: Record<string, { description?: unknown; $ref?: string }> }).properties ?? {};
        for (const [name, property] of Object.entries(properties)) {
          // A setting that only refers to a definition shows the definition's description.
          const definitions = (SCHEMA as { $defs: Record<string, { description?: unknown }> }).$defs;
          const referred = property.$ref ? definitions[property.$ref.split("/").pop() ?? ""] : undefined;
          const description = property.description ?? referred?.description;
          if (typeof description === "string") {
            described.set(name, description);
          }
        }
        Object.values(node).forEach(collect);
      }
    };
    collect(SCHEMA);

    expect(Object.fromEntries(described)).toEqual(en.configHelp);
  });

  it("have a message for every server error code", () => {
    for (const code of KNOWN_CODES) {
      expect(english.has(`errors.codes.${code}`)).toBe(true);
    }
  });
});

describe("archive filter", () => {
  it("reads the same on every list", () => {
    for (const catalogue of [english, chinese]) {
      for (const choice of ["active", "archived", "all"]) {
        const labels = ["registry", "datasets", "configs"].map((list) => catalogue.get(`${list}.archivedChoice.${choice}`));
        expect(new Set(labels).size, `${choice}: ${labels.join(" / ")}`).toBe(1);
      }
    }
  });
});

describe("initial language", () => {
  function storage(stored: string | null): Storage {
    const values = new Map<string, string>(stored === null ? [] : [[LANGUAGE_STORAGE_KEY, stored]]);
    return {
      length: values.size,
      clear: () => values.clear(),
      getItem: (key) => values.get(key) ?? null,
      key: () => null,
      removeItem: (key) => void values.delete(key),
      setItem: (key, value) => void values.set(key, value),
    };
  }

  it("prefers the stored choice", () => {
    expect(initialLanguage(storage("zh-CN"), ["en-US"])).toBe("zh-CN");
  });

  it("follows a Chinese browser", () => {
    expect(initialLanguage(storage(null), ["zh-TW", "en"])).toBe("zh-CN");
  });

  it("falls back to English", () => {
    expect(initialLanguage(storage(null), ["fr-FR", "de"])).toBe("en");
  });

  it("ignores an unknown stored value", () => {
    expect(initialLanguage(storage("klingon"), ["zh-CN"])).toBe("zh-CN");
  });
});

import type { CodegenConfig } from "@graphql-codegen/cli";

// Types and typed documents come from the committed SDL, so the build needs no running server.
const config: CodegenConfig = {
  schema: "../backend/graphql/schema.graphql",
  documents: ["src/**/*.{ts,tsx}", "!src/gql/**"],
  ignoreNoDocuments: true,
  generates: {
    "src/gql/": {
      preset: "client",
      presetConfig: { fragmentMasking: false },
      config: {
        useTypeImports: true,
        enumsAsTypes: true,
        strictScalars: true,
        scalars: { DateTime: "string", JSON: "unknown" },
        skipTypename: false,
      },
    },
  },
};

export default config;

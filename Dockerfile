# syntax=docker/dockerfile:1
# ModelCloud's image. The API (`modelcloud serve`), the projection process
# (`modelcloud projections run`) and the nodes of a KubeRay cluster all run it, so the Ray
# driver and its workers always have the same Python, Ray and TensorFlow.
#
#   docker build -t modelcloud:0.1.0 .
#   docker run -p 8000:8000 modelcloud:0.1.0

# The web app, built the way `make web` builds it.
FROM node:22-bookworm-slim AS web
WORKDIR /src/frontend
COPY frontend/package.json frontend/package-lock.json ./
RUN npm ci --no-audit --no-fund --loglevel=error
COPY frontend/ ./
# codegen.ts names the committed schema; the build itself reads the committed src/gql types.
COPY backend/graphql/schema.graphql /src/backend/graphql/schema.graphql
RUN npm run build -- --logLevel warn

# Wheels of ModelCloud, its client package and every dependency.
FROM python:3.11-slim-bookworm AS build
# Compilers for any dependency without a wheel; this stage is thrown away, so the packages follow
# the base image's Debian release instead of pinned versions.
# hadolint ignore=DL3008
RUN apt-get update \
    && apt-get install -y --no-install-recommends build-essential \
    && rm -rf /var/lib/apt/lists/*
WORKDIR /src
COPY pyproject.toml ./
COPY backend/ backend/
COPY workers/ workers/
COPY demo/ demo/
COPY sdk/ sdk/
RUN pip wheel --no-cache-dir --wheel-dir /wheels . ./sdk

# The runtime: Python and the installed wheels, no compilers and no Node.
FROM python:3.11-slim-bookworm AS runtime
ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1
RUN groupadd --system --gid 10001 modelcloud \
    && useradd --system --uid 10001 --gid modelcloud --home-dir /home/modelcloud --create-home \
        --shell /usr/sbin/nologin modelcloud
# The wheels are mounted for this step only, so they add no layer. Everything lands in
# /usr/local, on every shell's PATH, because KubeRay starts Ray through bash. The wheel folder
# holds one version of each package, so the names need no pins.
# hadolint ignore=DL3013
RUN --mount=type=bind,from=build,source=/wheels,target=/wheels \
    pip install --no-index --find-links=/wheels modelcloud modelcloud-sdk
COPY --from=web /src/frontend/dist /opt/modelcloud/web
# Defaults for a container: listen on every interface, serve the web app from the image. With no
# MODELCLOUD_DATABASE_URL or MODELCLOUD_ARTIFACTS, the SQLite file and the artifact folder are
# under /var/lib/modelcloud/.modelcloud, a volume.
ENV MODELCLOUD_HOST=0.0.0.0 \
    MODELCLOUD_PORT=8000 \
    MODELCLOUD_WEB_DIST=/opt/modelcloud/web
WORKDIR /var/lib/modelcloud
RUN chown modelcloud:modelcloud /var/lib/modelcloud
VOLUME ["/var/lib/modelcloud"]
USER 10001:10001
EXPOSE 8000
HEALTHCHECK --interval=30s --timeout=5s --start-period=120s --retries=3 \
    CMD ["python", "-c", "import os, urllib.request; urllib.request.urlopen('http://127.0.0.1:' + os.environ.get('MODELCLOUD_PORT', '8000') + '/healthz', timeout=4)"]
CMD ["modelcloud", "serve"]

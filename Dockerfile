# Wangge API image. Without WANGGE_GRAPH_URL it runs the embedded FalkorDB under
# /var/lib/wangge (mount a volume there) and loads the demo data into it once; set
# WANGGE_GRAPH_URL (neo4j://, neo4j+s://, bolt:// or falkordb://host:port) for an external
# graph. An issuer is required: the IdP's WANGGE_JWKS_URL, or WANGGE_DEV=1 for a demo.
# compose.yaml runs it against a Neo4j.
FROM python:3.11-slim AS build
# Only for a build behind a TLS-intercepting proxy (ops/image-check.sh): the path of a CA bundle
# bound into the build, for pip and npm. Build arguments are not in the final image's environment.
ARG PIP_CERT
ARG NODE_EXTRA_CA_CERTS
WORKDIR /src
COPY pyproject.toml README.md ./
COPY api ./api
COPY authz ./authz
COPY graph_model ./graph_model
COPY loaders ./loaders
COPY ops ./ops
# the browser files Wangge serves itself (GraphiQL, the console), vendored from the npm lockfile
RUN apt-get update && apt-get install -y --no-install-recommends nodejs npm && bash api/web/assets/build.sh
RUN python -m venv /opt/wangge && /opt/wangge/bin/pip install --no-cache-dir .

FROM python:3.11-slim
# falkordb.so (the embedded graph's module) links against the GNU OpenMP runtime, libgomp.so.1
RUN apt-get update && apt-get install -y --no-install-recommends libgomp1 && rm -rf /var/lib/apt/lists/*
RUN useradd --system --create-home --home-dir /var/lib/wangge --uid 10001 wangge
COPY --from=build /opt/wangge /opt/wangge
ENV PATH=/opt/wangge/bin:$PATH \
    WANGGE_DATA_DIR=/var/lib/wangge \
    WANGGE_BIND=0.0.0.0:8000 \
    PYTHONUNBUFFERED=1
USER wangge
WORKDIR /var/lib/wangge
EXPOSE 8000
HEALTHCHECK --interval=15s --timeout=3s --start-period=20s --retries=3 \
    CMD python -c "import urllib.request,sys; sys.exit(0 if urllib.request.urlopen('http://127.0.0.1:8000/readyz', timeout=2).status == 200 else 1)"
ENTRYPOINT ["wangge", "serve"]

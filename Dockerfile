# Wangge API image. The graph is external in containers: set WANGGE_GRAPH_URL
# (neo4j://, neo4j+s://, bolt:// or falkordb://host:port) and the IdP's WANGGE_JWKS_URL.
FROM python:3.11-slim AS build
WORKDIR /src
COPY pyproject.toml README.md ./
COPY api ./api
COPY authz ./authz
COPY graph_model ./graph_model
COPY loaders ./loaders
COPY ops ./ops
RUN python -m venv /opt/wangge && /opt/wangge/bin/pip install --no-cache-dir .

FROM python:3.11-slim
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

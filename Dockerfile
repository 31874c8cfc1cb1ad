FROM python:3.11-slim
WORKDIR /app
COPY pyproject.toml README.md ./
COPY graph graph
COPY schema schema
COPY matching matching
COPY loaders loaders
COPY api api
RUN pip install --no-cache-dir .
ENV DOLBOM_DB=/data/dolbom.db
CMD ["dolbom", "demo"]

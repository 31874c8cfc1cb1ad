FROM python:3.11-slim
WORKDIR /app
COPY pyproject.toml README.md LICENSE ./
COPY i18n i18n
COPY graph graph
COPY matching matching
COPY loaders loaders
COPY service service
COPY schema schema
COPY api api
RUN pip install --no-cache-dir .
EXPOSE 8000
# Neo4j is chosen by NEO4J_URI (see docker-compose.yml); without it, the embedded store at DOLBOM_DB
ENV DOLBOM_DB=/data/dolbom.db
CMD ["dolbom", "serve", "--host", "0.0.0.0", "--port", "8000"]

# eCITES: the service on Python 3.11, run as a non-root user, data in the /data volume.
#   docker build -t ecites .
#   docker run -p 8000:8000 -v ecites-data:/data ecites
# Any other command runs in the same image, e.g.: docker run --rm -v ecites-data:/data ecites ecites bootstrap
FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1

# DejaVu Sans prints the names on permits that Windows-1252 lacks (app/printing/fonts.py).
RUN apt-get update \
 && apt-get install -y --no-install-recommends fonts-dejavu-core \
 && rm -rf /var/lib/apt/lists/*

RUN groupadd --system --gid 10001 ecites \
 && useradd --system --uid 10001 --gid ecites --home-dir /data --no-create-home ecites \
 && mkdir /data \
 && chown ecites:ecites /data

WORKDIR /opt/ecites
COPY pyproject.toml README.md alembic.ini ./
COPY app/ app/
COPY signing/ signing/
COPY epix/ epix/
COPY migrations/ migrations/
COPY schemas/ schemas/
# Runtime dependencies only ([project] dependencies; no dev extras).
RUN pip install .

ENV ECITES_DATA_DIR=/data \
    ECITES_SCHEMA_DIR=/opt/ecites/schemas
VOLUME ["/data"]
USER ecites
EXPOSE 8000

HEALTHCHECK --interval=30s --timeout=5s --start-period=20s --retries=3 \
  CMD ["python", "-c", "import urllib.request as u; u.urlopen('http://127.0.0.1:8000/healthz', timeout=4)"]

# Bring the schema up to date, then serve (exec: the server gets the container's signals).
CMD ["sh", "-c", "ecites migrate && exec ecites serve --host 0.0.0.0 --port 8000 --behind-proxy"]

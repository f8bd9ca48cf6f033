# docintel service image. Mirrors the Makefile's steps (apt → venv from requirements.lock → models → serve);
# keep the two in step. Nothing is downloaded at run time: the OCR models are assembled at build time from
# the rapidocr wheel.
FROM python:3.11-slim-bookworm

ENV DEBIAN_FRONTEND=noninteractive \
    PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PADDLE_PDX_DISABLE_MODEL_SOURCE_CHECK=True \
    DOCINTEL_VAR_DIR=/var/lib/docintel \
    DOCINTEL_OCR__MODEL_DIR=/opt/docintel/models

# Same list as APT_PACKAGES in the Makefile, less the servers (redis, postgresql) that run in their own containers
# (chromium + chromium-driver: the console's browser tests, as `make test` runs them).
RUN apt-get update \
 && apt-get install -y --no-install-recommends \
      fonts-noto-cjk fonts-wqy-microhei fonts-arphic-ukai tesseract-ocr tesseract-ocr-chi-sim poppler-utils \
      libnss3-tools softhsm2 opensc libgl1 libglib2.0-0 chromium chromium-driver make \
 && rm -rf /var/lib/apt/lists/*

WORKDIR /app
COPY requirements.lock ./
RUN python -m venv /app/.venv \
 && /app/.venv/bin/pip install --no-cache-dir pip==26.3 setuptools==80.9.0 wheel==0.45.1 \
 && /app/.venv/bin/pip install --no-cache-dir --no-deps -r requirements.lock
ENV PATH=/app/.venv/bin:$PATH

COPY . .
RUN pip install --no-cache-dir --no-deps --no-build-isolation -e . \
 && docintel models assemble \
 && useradd --system --home /var/lib/docintel docintel \
 && mkdir -p /var/lib/docintel && chown docintel /var/lib/docintel

USER docintel
EXPOSE 8000
HEALTHCHECK --interval=30s --timeout=3s CMD python -c "import urllib.request,sys; sys.exit(urllib.request.urlopen('http://127.0.0.1:8000/healthz').status != 200)"
CMD ["docintel", "serve", "--host", "0.0.0.0", "--port", "8000"]

"""Broadsheet: what ties the pipeline's stages together (settings, records, archive, loader, CLI)."""

# Every log line of a process that uses Broadsheet passes through one secret masking (passwords in URLs
# and connection strings), whoever logs it: psycopg, Scrapy, Airflow or us. See broadsheet/secret_masking.py.
from broadsheet.secret_masking import install_secret_masking

install_secret_masking()

"""Superset's configuration for Broadsheet's dashboard (SUPERSET_CONFIG_PATH points here).

Everything that differs per run comes from BROADSHEET_SUPERSET_HOME, the launcher's data folder: the metadata
database (SQLite) and the secret key that encrypts the stored warehouse password.
"""

import os
from pathlib import Path

_HOME = Path(os.environ["BROADSHEET_SUPERSET_HOME"])

SECRET_KEY = (_HOME / "secret_key").read_text(encoding="utf-8").strip()
SQLALCHEMY_DATABASE_URI = f"sqlite:///{_HOME / 'superset.db'}"
DATA_DIR = str(_HOME)
# A local demo server on 127.0.0.1: no HTTPS headers, no rate limiter store, no telemetry, no example data.
TALISMAN_ENABLED = False
RATELIMIT_ENABLED = False
AUTH_RATE_LIMITED = False
SCARF_ANALYTICS = False
SUPERSET_LOAD_EXAMPLES = False
# Superset may connect to the warehouse only as the BI login it was given; never to SQLite files.
PREVENT_UNSAFE_DB_CONNECTIONS = True
ROW_LIMIT = 10000
# Render every chart of a dashboard at once (not only those scrolled into view): screenshots and headless
# browsers see the whole dashboard.
FEATURE_FLAGS = {"DASHBOARD_VIRTUALIZATION": False}

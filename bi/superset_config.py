"""Superset's configuration for `make bi` (SUPERSET_CONFIG_PATH points here): a local, single-user Superset on
127.0.0.1 that reads the published warehouse file read-only. Secrets come from the environment, never this file."""

import os

SECRET_KEY = os.environ["SUPERSET_SECRET_KEY"]  # make bi makes one per checkout (warehouse/superset/secret_key)
SQLALCHEMY_DATABASE_URI = "sqlite:///" + os.path.join(os.environ["SUPERSET_HOME"], "superset.db")
# a local http server: no HTTPS redirect, no content-security-policy nags
TALISMAN_ENABLED = False
FEATURE_FLAGS = {"DASHBOARD_NATIVE_FILTERS": True}
PREVENT_UNSAFE_DB_CONNECTIONS = False  # a DuckDB file URI is a local connection by design
ROW_LIMIT = 10000
# no result cache: the dashboard shows the file as last published (DuckDB answers these queries in milliseconds)
DATA_CACHE_CONFIG = {"CACHE_TYPE": "NullCache"}

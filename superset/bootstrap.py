"""Prepare Superset for Broadsheet in one process: metadata database, roles, an admin, the dashboard's import.

Run with Superset's own interpreter (superset/.venv/bin/python), never the project's: Superset and Airflow do not
share dependencies. Secrets arrive as JSON on stdin (never argv, which any user can read in `ps`):
{"admin_password": ..., "warehouse_password": ..., "warehouse_url": ...}.
"""

import json
import os
import sys
from pathlib import Path

EXPORT_DIR = Path(__file__).resolve().parent / "dashboard"
DATABASE_FILE = "databases/broadsheet_warehouse.yaml"


def main() -> None:
    secrets = json.load(sys.stdin)
    from flask_migrate import upgrade
    from superset.app import create_app

    import superset

    app = create_app()
    with app.app_context():
        upgrade(directory=os.path.join(os.path.dirname(superset.__file__), "migrations"))
        from superset import appbuilder, security_manager

        appbuilder.add_permissions(update_perms=True)
        security_manager.sync_role_definitions()
        admin = security_manager.find_user(username="admin")
        if admin is None:
            security_manager.add_user(
                "admin", "Broadsheet", "Admin", "admin@localhost", security_manager.find_role("Admin"),
                password=secrets["admin_password"],
            )  # fmt: skip
        else:
            security_manager.reset_password(admin.id, secrets["admin_password"])
        _import_dashboard(secrets["warehouse_url"], secrets["warehouse_password"])


def _import_dashboard(warehouse_url: str, warehouse_password: str) -> None:
    import yaml
    from flask import g
    from superset.commands.dashboard.importers.dispatcher import ImportDashboardsCommand

    from superset import security_manager

    g.user = security_manager.find_user(username="admin")
    contents = {
        str(path.relative_to(EXPORT_DIR)): path.read_text(encoding="utf-8") for path in EXPORT_DIR.rglob("*.yaml")
    }
    database = yaml.safe_load(contents[DATABASE_FILE])
    database["sqlalchemy_uri"] = warehouse_url  # the BI login, password masked as XXXXXXXXXX
    contents[DATABASE_FILE] = yaml.safe_dump(database, sort_keys=False)
    ImportDashboardsCommand(contents, passwords={DATABASE_FILE: warehouse_password}, overwrite=True).run()


if __name__ == "__main__":
    main()

"""``docintel db upgrade|downgrade|current``: Alembic migrations of the configured database."""

from __future__ import annotations

import argparse
import json


def add_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument("action", choices=["upgrade", "downgrade", "current"])
    p.add_argument("revision", nargs="?", default=None, help="target revision (upgrade: head by default)")


def run(args: argparse.Namespace) -> int:
    from config.settings import get_settings
    from domain.errors import InputError
    from storage import migrate
    from storage.db import get_database

    db = get_database(get_settings().storage)
    if args.action == "upgrade":
        migrate.upgrade(db, args.revision or "head")
    elif args.action == "downgrade":
        if not args.revision:
            raise InputError("downgrade needs a target revision (e.g. base)", message_zh="降级需要指定目标版本")
        migrate.downgrade(db, args.revision)
    print(
        json.dumps(
            {
                "database": db.engine.url.render_as_string(hide_password=True),
                "current": migrate.current_revision(db),
                "head": migrate.head_revision(),
            }
        )
    )
    return 0

"""``docintel keys create --role R --branch B``: prints the new key alone on the last line of stdout (shown once,
only its hash is stored). Also ``keys list`` and ``keys revoke KEY_ID``."""

from __future__ import annotations

import argparse
import json


def add_arguments(p: argparse.ArgumentParser) -> None:
    sub = p.add_subparsers(dest="keys_action", required=True)
    create = sub.add_parser("create", help="create a key; the key is printed once, on the last line")
    create.add_argument("--role", required=True, choices=["counter", "loan", "admin"])
    create.add_argument("--branch", required=True, help="the branch (网点) whose cases the key may see")
    create.add_argument("--label", default=None, help="a note, e.g. the counter's name")
    sub.add_parser("list", help="list keys (never the secrets)")
    revoke = sub.add_parser("revoke", help="revoke a key by its id")
    revoke.add_argument("key_id")


def run(args: argparse.Namespace) -> int:
    from config.settings import get_settings
    from pipeline.keys import create_api_key, list_keys, revoke_api_key
    from pipeline.services import open_database

    db = open_database(get_settings())
    if args.keys_action == "create":
        new = create_api_key(db, role=args.role, branch=args.branch, label=args.label)
        print(f"key id: {new.key_id}  role: {new.role.value}  branch: {new.branch}")
        print("store this key now; it is not shown again:")
        print(new.secret)
    elif args.keys_action == "list":
        for row in list_keys(db):
            print(json.dumps(row, ensure_ascii=False))
    else:
        revoke_api_key(db, key_id=args.key_id)
        print(f"revoked {args.key_id}")
    return 0

"""Set up the booking benchmark's data through the services: spaces, resources, members.

    DATABASE_URL=... .venv/bin/python bench/gen_bookings.py --manifest bench/out/x.json
        [--clients 32] [--contended-desks 4] [--contended-pool-seats 3]
        [--uncontended-desks 2000]

Into a migrated, empty database: a staff operator; two spaces open 24/7 (so opening hours
never refuse a booking), "contended" with a few desks and one desk pool, "uncontended" with
many desks; a monthly plan with an unlimited hot desk in each; `--clients` accounts, each given
that plan in both spaces with `add_membership` (which makes them members) and a personal
access token for `Authorization: Bearer`. Everything goes through Coshore's services, so the
rows (activities included) are those the application itself writes.

One shortcut: accounts are created with Django's fastest password hasher (MD5), since nobody
logs in with a password here and PBKDF2 would cost a second per account.

The manifest (JSON) lists the spaces, resources (id, kind, seats), accounts (id, email,
token) and how bookings are covered.
"""

from __future__ import annotations

import argparse
import json
import os
import secrets
import sys
import time
from decimal import Decimal
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--manifest", type=Path, required=True)
    parser.add_argument("--clients", type=int, default=32)
    parser.add_argument("--contended-desks", type=int, default=4)
    parser.add_argument("--contended-pool-seats", type=int, default=3)
    parser.add_argument("--uncontended-desks", type=int, default=2000)
    args = parser.parse_args()
    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    import django

    django.setup()
    from django.conf import settings
    from django.db import connection

    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]

    from coshore.accounts.services import create_token, create_user
    from coshore.bookings.models import ResourceKind
    from coshore.bookings.services import ResourceSpec, create_resource
    from coshore.memberships.models import PlanKind
    from coshore.memberships.services import PlanSpec, add_membership, create_plan
    from coshore.spaces.services import SpaceChanges, create_space

    t0 = time.monotonic()
    operator = create_user(
        actor=None,
        email="operator@bench.example.org",
        password=secrets.token_urlsafe(24),
        display_name="Bench operator",
        is_staff=True,
    )
    layouts = {
        "contended": [("desk", 1)] * args.contended_desks
        + ([("desk_pool", args.contended_pool_seats)] if args.contended_pool_seats else []),
        "uncontended": [("desk", 1)] * args.uncontended_desks,
    }
    configs: dict[str, dict[str, object]] = {}
    plans = {}
    for i, (name, layout) in enumerate(layouts.items()):
        space = create_space(
            actor=operator,
            changes=SpaceChanges(
                name=f"Bench {name} hall",
                lat=48.8566 + i / 100,
                lon=2.3522,
                city="Paris",
                country="FR",
                opening_hours="24/7",
            ),
        )
        resources = []
        for n, (kind, seats) in enumerate(layout, start=1):
            label = "Desk pool" if kind == ResourceKind.DESK_POOL else "Desk"
            r = create_resource(
                actor=operator,
                space=space,
                spec=ResourceSpec(name=f"{label} {n}", kind=kind, seats=seats, max_minutes=600),
            )
            resources.append(
                {"id": r.pk, "kind": r.kind, "seats": r.seats, "horizon_days": r.horizon_days}
            )
        plans[name] = (
            space,
            create_plan(
                actor=operator,
                space=space,
                spec=PlanSpec(
                    name="Unlimited desk",
                    kind=PlanKind.MONTHLY,
                    price=Decimal("250.00"),
                    unlimited_desk=True,
                ),
            ),
        )
        configs[name] = {
            "space": space.slug,
            "timezone": space.timezone,
            "opening_hours": space.opening_hours_normalized,
            "resources": resources,
        }
    users = []
    for k in range(args.clients):
        email = f"client{k:02d}@bench.example.org"
        user = create_user(
            actor=operator,
            email=email,
            password=secrets.token_urlsafe(24),
            display_name=f"Bench client {k:02d}",
            enforce_password_validators=False,
        )
        for space, plan in plans.values():
            add_membership(actor=operator, space=space, email=email, plan=plan)
        token = create_token(user=user, name="booking benchmark", via="command")
        users.append({"id": user.pk, "email": email, "token": token.plaintext})
    with connection.cursor() as cur:
        cur.execute("ANALYZE")
    manifest = {
        "clients": args.clients,
        "configs": configs,
        "users": users,
        "coverage": (
            "membership: each account holds an active monthly plan with an unlimited hot desk "
            "in both spaces (memberships.services.add_membership, which also makes it a member)"
        ),
        "seconds": round(time.monotonic() - t0, 1),
    }
    args.manifest.parent.mkdir(parents=True, exist_ok=True)
    args.manifest.write_text(json.dumps(manifest, indent=1))
    print(
        f"generated {len(users)} members, "
        + ", ".join(f"{k}: {len(v['resources'])} resources" for k, v in configs.items())  # type: ignore[arg-type]
        + f" in {manifest['seconds']} s",
        file=sys.stderr,
    )


if __name__ == "__main__":
    main()

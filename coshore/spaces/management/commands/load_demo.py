"""Load the demo network from the real data shipped in coshore/data (idempotent).

Spaces: OpenStreetMap coworking spaces in France (© OpenStreetMap contributors, ODbL).
Skills: ESCO v1.1.1 (© European Union, CC BY 4.0). People and networks are generated.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand
from django.db import transaction
from django.test.utils import override_settings
from django.utils import timezone

from coshore.accounts.models import (
    Organisation,
    OrganisationKind,
    OrganisationMember,
    OrganisationRole,
    Profile,
    User,
)
from coshore.activity.services import record_activity
from coshore.passes.demo import load_pass_demo
from coshore.skills.models import Occupation, Skill
from coshore.spaces.models import Network, NetworkRole, NetworkSpace, Space, SpaceRole

DATA = Path(__file__).resolve().parents[3] / "data"
DEMO_PASSWORD = "coshore-demo"

NETWORKS = [
    # slug, name, description, cities
    (
        "paris-coworking-alliance",
        "Paris Coworking Alliance",
        "Independent coworking spaces of Paris sharing a joint calendar and a wall.",
        ["Paris"],
    ),
    (
        "lyon-coworking",
        "Lyon Coworking",
        "The coworking spaces of Lyon and its metropolis.",
        ["Lyon"],
    ),
    (
        "sud-coworking",
        "Réseau Sud",
        "Spaces of Marseille, Toulouse and Nice: members work a few days in each other's spaces.",
        ["Marseille", "Toulouse", "Nice"],
    ),
]
VISA_NETWORK = (
    "coshore-visa-france",
    "Coshore Visa France",
    "A visa network across French cities: members of one space work for a few days in another.",
)

# email, name, headline, home space OSM ref, role, visibility, languages, timezone, skills
PEOPLE: list[dict[str, Any]] = [
    {
        "email": "admin@coshore.demo",
        "name": "Ada Admin",
        "staff": True,
        "headline": "Runs this Coshore deployment",
    },
    {
        "email": "operator@coshore.demo",
        "name": "Olivia Operator",
        "headline": "Operator of the Paris Coworking Alliance and Coshore Visa France",
        "operates": ["paris-coworking-alliance", VISA_NETWORK[0]],
    },
    {
        "email": "manager.paris@coshore.demo",
        "name": "Marc Manager",
        "headline": "Community manager at Koneko Work",
        "manages": "osm:node/508597067",
        "visibility": "network",
        "languages": ["fr", "en"],
        "skills": ["build community relations", "organise cultural events"],
    },
    {
        "email": "manager.lyon@coshore.demo",
        "name": "Léa Gestion",
        "headline": "Space manager in Lyon",
        "manages_city": "Lyon",
        "visibility": "network",
        "languages": ["fr", "en", "it"],
    },
    {
        "email": "alice@coshore.demo",
        "name": "Alice Martin",
        "headline": "Freelance Python developer, data pipelines",
        "member_of": "osm:node/508597067",
        "visibility": "network",
        "languages": ["fr", "en"],
        "skills": ["Python (computer programming)", "SQL", "data analytics"],
        "scouting": True,
    },
    {
        "email": "bruno@coshore.demo",
        "name": "Bruno Lefèvre",
        "headline": "UX designer for civic tech",
        "member_of": "osm:node/508597067",
        "visibility": "space",
        "languages": ["fr"],
        "skills": ["design user interface", "create prototype of user experience solutions"],
    },
    {
        "email": "chloe@coshore.demo",
        "name": "Chloé Dubois",
        "headline": "Marketing and community for start-ups",
        "member_of_city": "Lyon",
        "visibility": "public",
        "languages": ["fr", "en", "es"],
        "skills": ["marketing principles", "social media management"],
    },
    {
        "email": "david@coshore.demo",
        "name": "David Cohen",
        "headline": "Back-end engineer working between Marseille and Tel Aviv",
        "member_of_city": "Marseille",
        "visibility": "network",
        "languages": ["en", "he", "fr"],
        "timezone": "Asia/Jerusalem",
        "skills": ["JavaScript", "cloud technologies"],
    },
    {
        "email": "emma@coshore.demo",
        "name": "Emma Rossi",
        "headline": "Maker: laser cutting, 3D printing, small series",
        "member_of_city": "Toulouse",
        "visibility": "private",
        "languages": ["it", "fr", "en"],
        "skills": ["3D printing process", "operate laser cutting equipment"],
    },
]


class Command(BaseCommand):
    help = "Load (or refresh) the demo network built from the real data. Idempotent."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--skip-skills", action="store_true", help="Do not import ESCO.")

    def handle(self, *args: Any, skip_skills: bool = False, **options: Any) -> None:
        # The demo people are made up: the emails their invitations, agreements and replies
        # would send go to an in-memory outbox instead of cluttering the console.
        with override_settings(EMAIL_BACKEND="django.core.mail.backends.locmem.EmailBackend"):
            self._load(skip_skills=skip_skills)

    def _load(self, *, skip_skills: bool) -> None:
        from coshore.spaces.importers import import_spaces

        if not skip_skills:
            self._import_skills()
        report = import_spaces(path_or_data=DATA / "osm" / "coworking_france_osm.geojson")
        self.stdout.write(
            f"spaces: imported {report.imported}, updated {report.updated}, skipped {report.skipped}"
        )
        with transaction.atomic():
            networks = self._networks()
            self._people(networks)
        from coshore.bookings.demo import load_bookings_demo

        counts = load_bookings_demo()
        self.stdout.write(
            "bookings demo: "
            + ", ".join(f"{value} {name}" for name, value in counts.items())
            + " created"
        )
        load_pass_demo(stdout=self.stdout)
        from coshore.projects.demo import load_projects_demo

        load_projects_demo(stdout=self.stdout)
        from coshore.projects.demo import DELIVERED_TITLE
        from coshore.reputation.demo import load_reputation_demo

        load_reputation_demo(project_title=DELIVERED_TITLE, stdout=self.stdout)
        from coshore.wall.demo import load_wall_demo

        load_wall_demo(stdout=self.stdout)
        from coshore.messaging.demo import load_messaging_demo

        load_messaging_demo(stdout=self.stdout)

        from coshore.feed.demo import load_feed_demo

        load_feed_demo(stdout=self.stdout)

        from coshore.events.demo import load_events_demo

        load_events_demo(stdout=self.stdout)
        self._print_logins()

    def _import_skills(self) -> None:
        from coshore.skills import importers

        skills_file = DATA / "esco" / "esco_v1.1.1_skills_en.csv.gz"
        occupations_file = DATA / "esco" / "esco_v1.1.1_occupations_en.csv.gz"
        if Skill.objects.count() < 13000:
            result = importers.import_skills(path=skills_file)
            self.stdout.write(f"ESCO skills: {result}")
        if Occupation.objects.count() < 3000:
            result = importers.import_occupations(path=occupations_file)
            self.stdout.write(f"ESCO occupations: {result}")

    def _networks(self) -> dict[str, Network]:
        networks: dict[str, Network] = {}
        for slug, name, description, cities in NETWORKS:
            network, _ = Network.objects.update_or_create(
                slug=slug, defaults={"name": name, "description": description}
            )
            networks[slug] = network
            for space in Space.objects.filter(city__in=cities, source="osm"):
                NetworkSpace.objects.get_or_create(network=network, space=space)
        slug, name, description = VISA_NETWORK
        visa, _ = Network.objects.update_or_create(
            slug=slug, defaults={"name": name, "description": description}
        )
        networks[slug] = visa
        # Two spaces per city with known hours join the visa network.
        for city in ["Paris", "Lyon", "Marseille", "Toulouse", "Nice"]:
            for space in Space.objects.filter(
                city=city, source="osm", hours_status="known"
            ).order_by("source_ref")[:2]:
                NetworkSpace.objects.get_or_create(network=visa, space=space)
        koneko = Space.objects.filter(source_ref="osm:node/508597067").first()
        if koneko is not None:
            NetworkSpace.objects.get_or_create(network=visa, space=koneko)
        return networks

    def _people(self, networks: dict[str, Network]) -> None:
        for spec in PEOPLE:
            user = User.objects.filter(email=spec["email"]).first()
            created = user is None
            if user is None:
                user = User.objects.create_user(
                    email=spec["email"],
                    password=DEMO_PASSWORD,
                    display_name=spec["name"],
                    is_staff=spec.get("staff", False),
                    is_superuser=spec.get("staff", False),
                    email_verified_at=timezone.now(),
                )
            profile, _ = Profile.objects.get_or_create(user=user)
            home = self._space(
                spec.get("manages") or spec.get("member_of"),
                spec.get("manages_city") or spec.get("member_of_city"),
            )
            profile.headline = spec.get("headline", "")
            profile.visibility = spec.get("visibility", "network")
            profile.languages = spec.get("languages", ["en"])
            profile.timezone = spec.get("timezone") or (home.timezone if home else "Europe/Paris")
            profile.home_space = home
            profile.scouting_opt_in = spec.get("scouting", False)
            profile.save()
            skills = [
                s
                for label in spec.get("skills", [])
                if (s := Skill.objects.filter(preferred_label__iexact=label).first()) is not None
            ]
            if skills:
                profile.skills.set(skills)
            for slug in spec.get("operates", []):
                NetworkRole.objects.get_or_create(network=networks[slug], user=user)
            if home is not None:
                role = "manager" if ("manages" in spec or "manages_city" in spec) else "member"
                SpaceRole.objects.get_or_create(space=home, user=user, role=role)
                if role == "manager":
                    SpaceRole.objects.get_or_create(space=home, user=user, role="member")
            if created:
                record_activity(
                    actor=user, verb="account.created", target=user, metadata={"demo": True}
                )
        firm, _ = Organisation.objects.update_or_create(
            slug="atelier-numerique",
            defaults={
                "name": "Atelier Numérique SAS",
                "kind": OrganisationKind.FIRM,
                "city": "Paris",
                "country": "FR",
                "description": "A digital agency looking for freelance talent in the network.",
            },
        )
        recruiter = User.objects.get(email="operator@coshore.demo")
        OrganisationMember.objects.get_or_create(
            organisation=firm, user=recruiter, defaults={"role": OrganisationRole.ADMIN}
        )

    @staticmethod
    def _space(ref: str | None, city: str | None) -> Space | None:
        if ref:
            return Space.objects.filter(source_ref=ref).first()
        if city:
            return (
                Space.objects.filter(city=city, source="osm", hours_status="known")
                .order_by("source_ref")
                .first()
            )
        return None

    def _print_logins(self) -> None:
        self.stdout.write("")
        self.stdout.write(f"Demo logins (password for all: {DEMO_PASSWORD}):")
        for spec in PEOPLE:
            self.stdout.write(f"  {spec['email']:<28} {spec['name']} — {spec.get('headline', '')}")
        port = os.environ.get("PORT", "8000")
        self.stdout.write(f"Open http://127.0.0.1:{port}/ (admin at /admin/)")

"""Endorsements of skills seen at work on a project, and the reputation derived from them."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import F, Q

USER = settings.AUTH_USER_MODEL


class Endorsement(models.Model):
    """`endorser` saw `endorsee` use `skill` on `project` (both were on its team)."""

    project = models.ForeignKey(
        "projects.Project", on_delete=models.CASCADE, related_name="endorsements"
    )
    endorser = models.ForeignKey(USER, on_delete=models.CASCADE, related_name="endorsements_given")
    endorsee = models.ForeignKey(
        USER, on_delete=models.CASCADE, related_name="endorsements_received"
    )
    skill = models.ForeignKey("skills.Skill", on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["project", "endorser", "endorsee", "skill"], name="uniq_endorsement"
            ),
            models.CheckConstraint(
                condition=~Q(endorser=F("endorsee")), name="endorsement_not_self"
            ),
        ]
        indexes = [models.Index(fields=["endorsee", "skill"], name="endorsement_endorsee_skill")]

    def __str__(self) -> str:
        return f"{self.endorser_id} endorses {self.endorsee_id} for {self.skill_id}"


class Reputation(models.Model):
    """A member's derived reputation, overall (`skill` null) and per skill.

    `score` is on a 0-100 scale relative to the best-trusted member of the deployment; `trust`
    is the raw trust-propagation value. Rows are replaced by each recomputation.
    """

    user = models.ForeignKey(USER, on_delete=models.CASCADE, related_name="reputations")
    skill = models.ForeignKey(
        "skills.Skill", null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    score = models.FloatField()
    trust = models.FloatField()
    endorsements = models.PositiveIntegerField(default=0)
    computed_at = models.DateTimeField()

    class Meta:
        ordering = ["-score", "id"]
        constraints = [
            models.UniqueConstraint(fields=["user", "skill"], name="uniq_reputation_user_skill"),
            models.UniqueConstraint(
                fields=["user"], condition=Q(skill__isnull=True), name="uniq_reputation_overall"
            ),
        ]

    def __str__(self) -> str:
        return f"Reputation of {self.user_id} in {self.skill_id or 'all'}: {self.score:.1f}"

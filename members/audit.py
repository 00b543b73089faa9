"""Recording sensitive events (exports, imports, merges, bulk changes, deletions, role changes).

Append-only: nothing in the app updates or deletes an AuditEvent. Never pass note contents.
"""

from django.db import models
from django.http import HttpRequest

from members.models import AuditEvent, Committee, User


def audit_record(
    *,
    actor: User | None,
    kind: AuditEvent.Kind,
    committee: Committee | None = None,
    subject: models.Model | None = None,
    campaign_id: int | None = None,
    count: int | None = None,
    detail: dict | None = None,
    request: HttpRequest | None = None,
) -> AuditEvent:
    return AuditEvent.objects.create(
        actor=actor if actor is not None and actor.is_authenticated else None,
        kind=kind,
        committee=committee,
        subject_type=subject._meta.label_lower if subject is not None else "",
        subject_id=subject.pk if subject is not None else None,
        campaign_id=campaign_id,
        count=count,
        detail=detail or {},
        ip=request.META.get("REMOTE_ADDR") if request is not None else None,
    )

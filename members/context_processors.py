from django.conf import settings
from django.http import HttpRequest

from members.selectors import membership_primary


def membership(request: HttpRequest) -> dict:
    """The signed-in user's membership, for navigation by role; whether signup is open."""
    if hasattr(request, "membership_primary"):  # found once by members.clock's middleware
        membership = request.membership_primary
    else:
        membership = membership_primary(request.user) if request.user.is_authenticated else None
    return {
        "membership": membership,
        "SIGNUP_OPEN": settings.SIGNUP_OPEN,
    }

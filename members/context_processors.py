from django.http import HttpRequest

from members.selectors import membership_primary


def membership(request: HttpRequest) -> dict:
    """The signed-in user's membership, for navigation by role."""
    return {"membership": membership_primary(request.user)}

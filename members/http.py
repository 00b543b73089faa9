"""The request of a logged-in user, for type checking the views behind @login_required."""

from members.models import User
from organizing.http import HtmxHttpRequest


class AuthedHttpRequest(HtmxHttpRequest):
    """What a view behind `@login_required` is given: its `user` is a User, never anonymous.
    Annotate `request` with it; Django passes an ordinary HttpRequest at run time."""

    user: User

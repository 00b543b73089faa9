"""Sign-up drives' URLs: the lead's drive pages, recording signatures, and the links and the
public page people sign on."""

urlpatterns: list = []
# The personal signing links and the public signing page: no login.
links: list = []

"""URLs: rsvp_links."""

urlpatterns = []

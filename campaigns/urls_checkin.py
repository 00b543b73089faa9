"""URLs: checkin."""

urlpatterns = []

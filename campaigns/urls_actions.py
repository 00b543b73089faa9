"""URLs: actions."""

urlpatterns = []

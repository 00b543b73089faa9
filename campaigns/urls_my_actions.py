"""URLs: my_actions."""

urlpatterns = []

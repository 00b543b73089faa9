"""My list: the organizer's home across campaigns."""

from django.urls import path

from campaigns.views import mylist as views

urlpatterns = [
    path("my-list/", views.my_list, name="my_list"),
]

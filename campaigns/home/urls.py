from django.urls import path

from campaigns.home import views

urlpatterns = [
    path("", views.home, name="home"),
]

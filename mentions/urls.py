"""The mentions' admin addresses: /admin/mentions/, behind the two-factor sign-in."""

from django.urls import path

from . import views

app_name = "mentions"

urlpatterns = [
    path("", views.mention_list, name="list"),
    path("feeds/add/", views.feed_add, name="feed_add"),
    path("feeds/<int:pk>/remove/", views.feed_remove, name="feed_remove"),
    path("search/", views.search_terms, name="search_terms"),
    path("email/", views.email_choice, name="email_choice"),
]

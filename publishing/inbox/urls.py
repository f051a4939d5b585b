"""The inbox's admin addresses (under /admin/inbox/, behind the two-factor sign-in)."""

from django.urls import path

from . import block_notice_views, views

app_name = "inbox"

urlpatterns = [
    path("", views.inbox_list, name="list"),
    path("<int:pk>/", views.item_detail, name="item"),
    path("<int:pk>/<slug:action>/", views.item_action, name="item_action"),
    path("reply/<int:pk>/approve/", views.reply_approve, name="reply_approve"),
    path("account/<int:account_pk>/", views.reading_settings, name="reading"),
    path("rules/", views.rules_and_alerts, name="rules"),
    path(
        "notice/<int:pk>/<slug:action>/",
        block_notice_views.block_notice_action,
        name="notice_action",
    ),
]

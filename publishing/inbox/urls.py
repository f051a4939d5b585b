"""The inbox's admin addresses (under /admin/inbox/, behind the two-factor sign-in).

Each opens once the school's social-media policy is acknowledged (social_policy).
"""

from django.urls import path

from publishing.social_policy.views import policy_acknowledged

from . import block_notice_views, views

app_name = "inbox"

urlpatterns = [
    path("", policy_acknowledged(views.inbox_list), name="list"),
    path("<int:pk>/", policy_acknowledged(views.item_detail), name="item"),
    path(
        "<int:pk>/<slug:action>/",
        policy_acknowledged(views.item_action),
        name="item_action",
    ),
    path(
        "reply/<int:pk>/approve/",
        policy_acknowledged(views.reply_approve),
        name="reply_approve",
    ),
    path(
        "account/<int:account_pk>/",
        policy_acknowledged(views.reading_settings),
        name="reading",
    ),
    path("rules/", policy_acknowledged(views.rules_and_alerts), name="rules"),
    path(
        "notice/<int:pk>/<slug:action>/",
        policy_acknowledged(block_notice_views.block_notice_action),
        name="notice_action",
    ),
]

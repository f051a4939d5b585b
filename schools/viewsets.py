"""Wagtail admin viewsets whose every view keeps to the school being worked in.

Mix ``SchoolScopedViewSetMixin`` into a ``ModelViewSet`` (or ``SnippetViewSet``):
listings, search, filters and choosers show the current school's records only; the
edit, delete, inspect, history and usage views answer another school's record with a
404 (a typed URL); a record added here belongs to the current school.
"""

from __future__ import annotations

from django.http import Http404

from .current import school_for_request
from .scoping import for_school, works_at


class SchoolScopedViewMixin:
    """In front of each of Wagtail's generic views (``SchoolScopedViewSetMixin``)."""

    school_field = "site"

    def get_base_queryset(self):
        return for_school(
            super().get_base_queryset(), self.request, school_field=self.school_field
        )

    def get_object(self, *args, **kwargs):
        instance = super().get_object(*args, **kwargs)
        if getattr(instance, "pk", None) is None:  # the add view's blank record
            return instance
        if not works_at(self.request.user, instance, school_field=self.school_field):
            raise Http404
        return instance

    def get_initial_form_instance(self):
        """The add view's blank record already belongs to the current school, so
        its form offers that school's choices (staff, …) only."""
        instance = super().get_initial_form_instance() or self.model()
        if self.school_field == "site" and instance.pk is None:
            instance.site = school_for_request(self.request)
        return instance

    def form_valid(self, form):
        instance = getattr(form, "instance", None)  # a delete form has none
        if (
            self.school_field == "site"
            and instance is not None
            and instance._state.adding
        ):
            form.instance.site = school_for_request(self.request)
        return super().form_valid(form)


class SchoolScopedViewSetMixin:
    """Every view of the viewset scoped by ``school_field`` (see module docstring)."""

    school_field = "site"

    def construct_view(self, view_class, **kwargs):
        scoped = type(
            view_class.__name__,
            (SchoolScopedViewMixin, view_class),
            {"school_field": self.school_field, "__module__": view_class.__module__},
        )
        return super().construct_view(scoped, **kwargs)

    def get_queryset(self, request):
        queryset = super().get_queryset(request)
        if queryset is None:
            return None
        return for_school(queryset, request, school_field=self.school_field)

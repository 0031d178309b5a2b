"""What every app's API builds on: serializer fields and the base view."""

import datetime as _dt
import uuid as _uuid

import django_filters
from django import forms as _forms
from django.db import models as _models
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import mixins, serializers
from rest_framework.generics import GenericAPIView

from . import roles as _roles
from .db_routing import replica_read


class IntegerFilter(django_filters.NumberFilter):
    """A whole-number filter: ``?jaar=0.5`` is a 400 with its field, not an empty list."""

    field_class = _forms.IntegerField


class UtcDateTimeField(serializers.DateTimeField):
    """Timestamps in UTC with a Z (api.md), whatever the server's time zone."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("default_timezone", _dt.UTC)
        kwargs.setdefault("format", "%Y-%m-%dT%H:%M:%SZ")
        super().__init__(*args, **kwargs)


class ModelSerializer(serializers.ModelSerializer):
    serializer_field_mapping = {
        **serializers.ModelSerializer.serializer_field_mapping,
        _models.DateTimeField: UtcDateTimeField,
    }


@extend_schema_field(OpenApiTypes.UUID)
class ScopedUuidField(serializers.Field):
    """A reference by uuid to an object the requesting user may see (``scope(user)``); anything
    else, also another organisation's object, is 'unknown' without saying whether it exists."""

    default_error_messages = {
        "invalid": "Dit is geen geldige uuid.",
        "does_not_exist": "Onbekend, of niet van uw organisatie.",
    }

    def __init__(self, scope, **kwargs):
        self.scope = scope
        super().__init__(**kwargs)

    def to_internal_value(self, data):
        try:
            value = _uuid.UUID(str(data))
        except (TypeError, ValueError, AttributeError):
            self.fail("invalid")
        obj = self.scope(self.context["request"].user).filter(uuid=value).first()
        if obj is None:
            self.fail("does_not_exist")
        return obj

    def to_representation(self, value):
        return str(value.uuid)


@extend_schema_field(OpenApiTypes.STR)
class CodeField(serializers.SlugRelatedField):
    """A reference to reference data by its code (api.md)."""

    def __init__(self, **kwargs):
        kwargs.setdefault("slug_field", "code")
        super().__init__(**kwargs)


class BaseView(GenericAPIView):
    """Checks the role before anything else: a missing role is a 403 with code ``geen-rol``."""

    required_roles: tuple[str, ...] = ()

    def initial(self, request, *args, **kwargs):
        super().initial(request, *args, **kwargs)
        if self.required_roles:
            _roles.require_role(request.user, *self.required_roles)

    def paginated(self, queryset, serializer_class=None):
        serializer_class = serializer_class or self.get_serializer_class()
        page = self.paginate_queryset(self.filter_queryset(queryset))
        data = serializer_class(page, many=True, context=self.get_serializer_context()).data
        return self.get_paginated_response(data)


@replica_read  # a list may lag behind, except for a user's own writes (backoffice/db_routing.py)
class ListView(mixins.ListModelMixin, BaseView):
    """A paginated, filtered list of ``get_queryset()`` (which a subclass scopes to the user)."""

    def get(self, request, *args, **kwargs):
        return self.list(request, *args, **kwargs)


class RetrieveView(mixins.RetrieveModelMixin, BaseView):
    """One object of ``get_queryset()`` by uuid; outside the user's scope it is a 404."""

    lookup_field = "uuid"

    def get(self, request, *args, **kwargs):
        return self.retrieve(request, *args, **kwargs)

"""API representations of the unit registry."""

from rest_framework import serializers

from zhenggai.organizations.models import Unit


class UnitSerializer(serializers.ModelSerializer):
    aliases = serializers.SlugRelatedField(many=True, read_only=True, slug_field="name")

    class Meta:
        model = Unit
        fields = [
            "id",
            "name",
            "short_name",
            "level",
            "parent",
            "depth",
            "is_active",
            "successor",
            "succeeded_on",
            "succession_reason",
            "aliases",
        ]

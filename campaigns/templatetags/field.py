"""{% field_config %}: field mode's settings and words for static/js/field.js, on every page."""

from django import template
from django.utils.html import json_script
from django.utils.safestring import SafeString

from campaigns.conversations.field import config

register = template.Library()


@register.simple_tag(takes_context=True)
def field_config(context: template.Context) -> SafeString:
    """On for organizers and leads (they have a My list); on every page, for everyone, so a
    browser finds out that its user changed or left."""
    membership = context.get("membership")
    return json_script(config(on=bool(membership and membership.is_organizer)), "majority-field")

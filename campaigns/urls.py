"""Campaign URLs: each area brings its own."""

from campaigns.actions import urls as actions
from campaigns.api import urls as api
from campaigns.conversations import urls as conversations
from campaigns.dashboards import urls as dashboards
from campaigns.home import urls as home
from campaigns.imports import urls as imports
from campaigns.manage import urls as manage
from campaigns.nudges import urls as nudges
from campaigns.outbox import urls as outbox
from campaigns.people import urls as people
from campaigns.power import urls as power
from campaigns.roster import urls as roster
from campaigns.signups import urls as signups
from campaigns.system import urls as system

# Django tries the patterns in order, so the busiest come first: the emailed RSVP link (a
# crowd answers one invitation at once) and logging one-on-ones. No two areas share a prefix.
urlpatterns = [
    *actions.links,
    *signups.links,
    *conversations.urlpatterns,
    *home.urlpatterns,
    *manage.urlpatterns,
    *roster.urlpatterns,
    *dashboards.urlpatterns,
    *people.urlpatterns,
    *imports.urlpatterns,
    *actions.urlpatterns,
    *signups.urlpatterns,
    *nudges.urlpatterns,
    *outbox.urlpatterns,
    *system.urlpatterns,
    *power.urlpatterns,
    *api.urlpatterns,
]

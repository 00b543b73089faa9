"""People: adding to a roster, the person page and its sections, roster entries, merging."""

from django.urls import path

from campaigns.people import views, views_data

urlpatterns = [
    path("campaigns/<int:campaign_id>/roster/add/", views.roster_add, name="roster_add"),
    path(
        "campaigns/<int:campaign_id>/roster/<int:entry_id>/",
        views.roster_entry_edit,
        name="roster_entry_edit",
    ),
    path(
        "campaigns/<int:campaign_id>/roster/<int:entry_id>/remove/",
        views.roster_entry_remove,
        name="roster_entry_remove",
    ),
    path("people/<int:person_id>/", views.person_detail, name="person_detail"),
    path("people/<int:person_id>/merge/", views.person_merge, name="person_merge"),
    path(
        "committees/<int:committee_id>/possible-duplicates/",
        views.possible_duplicates,
        name="possible_duplicates",
    ),
    # One name per section (person_edit_details, person_edit_contact, ...): each reverses
    # with the person's id alone.
    *[
        path(
            f"people/<int:person_id>/edit/{slug}/",
            views.person_edit,
            {"section": slug},
            name=f"person_edit_{slug}",
        )
        for slug in views.SECTIONS
    ],
]

# A person's data, for committee leads: the export and erasure.
urlpatterns += [
    path("people/<int:person_id>/data/", views_data.person_data, name="person_data"),
    path("people/<int:person_id>/data.json", views_data.person_data_json, name="person_data_json"),
    path("people/<int:person_id>/erase/", views_data.person_erase_confirm, name="person_erase"),
]

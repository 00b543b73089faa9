"""My actions (a member's own invitations, answers and calendar) and public action pages.

The world's member has a person (on campaign A's roster, invited to the world's action, with
a calendar address); no other persona's login is linked to a person. So:
- my_actions is every logged-in user's own page: 200 for all, the others' one saying an
  organizer has to link their login (not a 404: there is nothing of anyone else's to hide).
- my_rsvp and calendar_feed_rotate are POST-only (GET is 405 before anything is looked up);
  a POST from a login with no person is 404, as for an action they may not see. The member's
  POST without an answer is 422; a rotation redirects back to My actions.
- action_ics is GET-only: 200 for the member, 404 for everyone else.
- calendar_feed and action_public need no login: the key in the address is the access.
  The feed is GET-only; the public form's empty POST is 422 (name and contact missing).
- action_public_confirm needs no login either: its random key confirms the answer someone
  gave on the public page for the member's person; GET shows it, POST confirms it.
"""

from tests.matrix import LOGIN, PERSONAS, every

NO_PERSON = [p for p in PERSONAS if p not in ("anonymous", "member")]


def member_only(member: tuple[int, int], others: tuple[int, int]) -> dict[str, tuple[int, int]]:
    return {"anonymous": (LOGIN, LOGIN), "member": member, **dict.fromkeys(NO_PERSON, others)}


ROWS = {
    "my_actions": member_only((200, 405), (200, 405)),
    "my_rsvp": member_only((405, 422), (405, 404)),
    "action_ics": member_only((200, 405), (404, 405)),
    "calendar_feed_rotate": member_only((405, 302), (405, 404)),
    "calendar_feed": every((200, 405)),
    "action_public": every((200, 422)),
    "action_public_confirm": every((200, 200)),
}

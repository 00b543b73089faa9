"""Field mode's addresses: the service worker, the manifest and the offline page are the same
for everyone, signed in or not (they hold no one's data); the session a phone sends its kept
logs in is for those with a My list, as my_list is. All are GET only (a POST is 405).
"""

from tests.matrix import LOGIN, every

ROWS = {
    "service_worker": every((200, 405)),
    "web_manifest": every((200, 405)),
    "field_offline": every((200, 405)),
    "field_session": {
        "anonymous": (LOGIN, LOGIN),
        "member": (404, 405),
        "organizer_a": (200, 405),
        "organizer_b": (200, 405),
        "lead": (200, 405),
        "outsider": (404, 405),
        "staff": (404, 405),
    },
}

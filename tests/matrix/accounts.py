"""allauth's own pages: logging in and out, signup, password reset and change, login by code,
two-factor (accounts/2fa/), email addresses and sessions (accounts/sessions/).

They hold nothing of the committee's: what matters is that an anonymous visitor gets only
the pages for getting in, and that every other page wants a login (302 to the login page) and,
for the sensitive ones, a fresh one. The signed-in personas logged in without a password
(force_login), so allauth's sensitive pages (password change is not one: it asks for the old
password; two-factor changes are) send them to confirm it's them first: a 302 to
/accounts/reauthenticate/ (or to /accounts/2fa/reauthenticate/ when the user has an
authenticator app), also LOGIN below.

Rows that differ by persona: leads and organizers have an authenticator app (factories), the
member and staff do not; nobody has recovery codes or a passkey yet. allauth answers an empty
POST to its forms with the form again (200, not 422). Signup is closed (SIGNUP_OPEN off):
its page says so.
"""

from tests.matrix import LOGIN, PERSONAS, every

SIGNED_IN = PERSONAS[1:]
WITH_APP = ["organizer_a", "organizer_b", "lead", "treasurer", "outsider"]


def signed_in(status: tuple[int, int], **others: tuple[int, int]) -> dict[str, tuple[int, int]]:
    """A page for signed-in users: anonymous visitors are sent to log in."""
    return {"anonymous": (LOGIN, LOGIN), **dict.fromkeys(SIGNED_IN, status), **others}


def signed_out(status: tuple[int, int]) -> dict[str, tuple[int, int]]:
    """A page for getting in: someone logged in already is sent home."""
    return {"anonymous": status, **dict.fromkeys(SIGNED_IN, (302, 302))}


ROWS = {
    "account_login": signed_out((200, 200)),
    "account_signup": signed_out((200, 200)),
    "account_request_login_code": signed_out((200, 200)),
    # Without a code sent first there is nothing to confirm: back to the start.
    "account_confirm_login_code": every((302, 302)),
    "account_logout": signed_in((200, 302)),
    "account_inactive": every((200, 405)),
    "account_email_verification_sent": every((302, 302)),
    # Anyone may ask for a reset link; a wrong key says the link is bad.
    "account_reset_password": every((200, 200)),
    "account_reset_password_done": every((200, 405)),
    "account_reset_password_from_key": every((200, 200)),
    "account_reset_password_from_key_done": every((200, 405)),
    "account_change_password": signed_in((200, 200)),
    # Every persona has a password already: setting one goes to changing it.
    "account_set_password": every((302, 302)),
    "account_email": signed_in((200, 302)),
    # Account > Language (members.views): an empty POST is refused with the form again.
    "account_language": signed_in((200, 422)),
    # Django's switcher (the login and public pages): back where it came from, or home.
    "set_language": every((302, 302)),
    "account_reauthenticate": signed_in((200, 200)),
    "account_request_reauthentication_code": signed_in((200, 200)),
    "account_confirm_reauthentication_code": every((302, 302)),
    "mfa_index": signed_in((200, 405)),
    "mfa_list_webauthn": signed_in((200, 405)),
    # Changes to a second factor: confirm it's you first.
    "mfa_activate_totp": every((302, 302)),
    "mfa_deactivate_totp": signed_in((302, 302), member=(404, 404), staff=(404, 404)),
    "mfa_add_webauthn": every((302, 302)),
    "mfa_edit_webauthn": every((302, 302)),
    "mfa_remove_webauthn": every((302, 302)),
    "mfa_generate_recovery_codes": every((302, 302)),
    "mfa_view_recovery_codes": signed_in((404, 405)),
    "mfa_download_recovery_codes": signed_in((404, 404)),
    # Only while logging in, between the password and the second factor.
    "mfa_authenticate": every((302, 302)),
    "mfa_reauthenticate": signed_in((302, 302), **dict.fromkeys(WITH_APP, (200, 200))),
    "mfa_reauthenticate_webauthn": every((302, 302)),
    "usersessions_list": signed_in((200, 302)),
}

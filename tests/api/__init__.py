"""The OSDI API: answers an Action Network client can read without knowing it is not talking to
Action Network."""

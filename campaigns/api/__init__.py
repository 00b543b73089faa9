"""The OSDI API (Action Network compatible), /api/v2/."""
